import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import NOTHING, department_province_q, province_scope_q
from apps.core.history import AppendOnlyMixin, AppendOnlyQuerySet, chain_hash


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the ministry")
    RETURNED = "returned", _("Returned by the ministry")


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one chokepoint for reading annual reports (other departments read the reports they
        confirm: apps.departments)."""
        department = department_province_q(user)
        return self.filter(province_scope_q(user) if department is NOTHING else department)


def report_pdf_path(instance, filename):
    return f"reports/{instance.year}/{instance.province_id}-{uuid.uuid4().hex[:8]}.pdf"


def national_pdf_path(instance, filename):
    return f"reports/{instance.year}/national-{uuid.uuid4().hex[:8]}.pdf"


NARRATIVE_FIELDS = ("mechanism", "measures", "support", "problems", "plans")


class AnnualReport(models.Model):
    """A provincial unit's annual summary evaluation report (年度总结评估报告) for one year."""

    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    state = models.CharField(
        _("State"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # Optimistic lock for the narrative and every transition.
    version = models.PositiveIntegerField(default=1)
    figures = models.JSONField(_("Compiled figures"), default=dict, blank=True)
    compiled_at = models.DateTimeField(_("Compiled"), null=True, blank=True)
    mechanism = models.TextField(_("Working mechanism"), blank=True)
    measures = models.TextField(_("Main measures"), blank=True)
    support = models.TextField(_("Funding and policy support"), blank=True)
    problems = models.TextField(_("Problems"), blank=True)
    plans = models.TextField(_("Plans for next year"), blank=True)
    submitted_at = models.DateTimeField(_("Submitted"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # None: not yet decided (still open); True: submitted after 30 November or still missing on 1 December.
    is_late = models.BooleanField(_("Late"), null=True, blank=True)
    returned_at = models.DateTimeField(_("Returned"), null=True, blank=True)
    return_reason = models.TextField(_("Reason for return"), blank=True)
    pdf = models.FileField(upload_to=report_pdf_path, max_length=200, blank=True)
    # The compile time the stored PDF was rendered from: a PDF is current when equal to compiled_at.
    pdf_compiled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("Annual report")
        verbose_name_plural = _("Annual reports")
        ordering = ["-year", "province_id"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="annual_report_one_per_year")
        ]

    def __str__(self):
        return f"{self.province} · {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.state in (ReportState.DRAFT, ReportState.RETURNED)

    @property
    def pdf_is_current(self) -> bool:
        return bool(self.pdf) and self.pdf_compiled_at == self.compiled_at


class ReportAction(models.TextChoices):
    CREATED = "created", _("Created")
    COMPILED = "compiled", _("Compiled")
    EDITED = "edited", _("Narrative edited")
    SUBMITTED = "submitted", _("Submitted to the ministry")
    RETURNED = "returned", _("Returned by the ministry")
    REMINDED = "reminded", _("Reminder sent")
    MARKED_LATE = "marked_late", _("Marked late")


class ReportEvent(AppendOnlyMixin, models.Model):
    """Append-only history of an annual report."""

    report = models.ForeignKey(AnnualReport, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("Time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("Action"), max_length=12, choices=ReportAction.choices)
    reason = models.TextField(_("Reason"), blank=True)
    # For reminders: the day (Asia/Shanghai) it was sent, so a rerun the same day sends nothing.
    day = models.DateField(null=True, blank=True)
    # Hash of the previous entry of the same report, and SHA-256 over this entry and prev_hash.
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()
    chain_key = "report_id"
    chain_order = ("report_id", "at", "id")
    chain_label = "report"

    class Meta:
        verbose_name = _("Report history entry")
        verbose_name_plural = _("Report history")
        ordering = ["report", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "action", "day"],
                condition=Q(action="reminded"),
                name="report_one_reminder_per_day",
            )
        ]

    def __str__(self):
        return f"{self.report_id} {self.action}"

    def compute_hash(self) -> str:
        return report_event_hash(
            self.prev_hash, self.report_id, self.at, self.actor_id, self.action, self.reason, self.day
        )


def report_event_hash(prev_hash, report_id, at, actor_id, action, reason, day) -> str:
    """SHA-256 chaining one report history entry to the previous one (also used by migration 0003)."""
    return chain_hash(
        [prev_hash, report_id, at.isoformat(), actor_id, action, reason, day.isoformat() if day else None]
    )


class NationalSnapshot(models.Model):
    """The national progress figures of one year, compiled after every provincial unit."""

    year = models.PositiveSmallIntegerField(_("Year"), unique=True)
    figures = models.JSONField(_("Compiled figures"), default=dict)
    compiled_at = models.DateTimeField(_("Compiled"))
    pdf = models.FileField(upload_to=national_pdf_path, max_length=200, blank=True)
    pdf_compiled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("National progress snapshot")
        verbose_name_plural = _("National progress snapshots")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)

    @property
    def pdf_is_current(self) -> bool:
        return bool(self.pdf) and self.pdf_compiled_at == self.compiled_at


class JobKind(models.TextChoices):
    PROVINCE = "province", _("Compile one provincial report")
    YEAR = "year", _("Compile every report and the national snapshot")


class JobState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class JobOutcome(models.TextChoices):
    COMPILED = "compiled", _("Compiled: the figures changed")
    UNCHANGED = "unchanged", _("Nothing changed: the figures were already current")
    FROZEN = "frozen", _("Nothing changed: the report was submitted and its figures are frozen")


class CompileJobQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user))


class CompileJob(models.Model):
    """A compile requested by a user or the schedule, so pages and the API can poll its state."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("Kind"), max_length=10, choices=JobKind.choices)
    year = models.PositiveSmallIntegerField(_("Year"))
    province = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("State"), max_length=10, choices=JobState.choices, default=JobState.PENDING)
    # What a finished compile of one unit did ("" while running, and for a whole year's fan-out).
    outcome = models.CharField(_("Outcome"), max_length=10, choices=JobOutcome.choices, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # When the job reached the broker; None while Redis was unreachable (requeued later).
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    objects = CompileJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("Compile job")
        verbose_name_plural = _("Compile jobs")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.kind} {self.year} {self.state}"


class UnitFiguresQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(province_scope_q(user))


class UnitFigures(models.Model):
    """The live figures of one provincial unit and year (docs/figures.md), as of the last decision.

    Recomputed after every decision, import and designation that touches the unit
    (`figures.store.unit_figures_refresh_on_commit`), and by the healing task (`figures_heal`,
    beat) whenever its inputs no longer match the fingerprint it was computed from.
    The national figures are composed from the 32 units' `summary`, never by reading every
    assessment again. Split in three columns so that the national composition reads the small
    summaries only, not every unit's list of approved communities."""

    province = models.ForeignKey(
        "regions.Region", verbose_name=_("Provincial unit"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    # totals, per-criterion counts, the turnaround histogram, whether the unit has cities.
    summary = models.JSONField(default=dict)
    # rows per city and per county.
    areas = models.JSONField(default=dict)
    # approved, revoked and demonstration communities of the year.
    lists = models.JSONField(default=dict)
    computed_at = models.DateTimeField(_("Computed"))
    # What the figures were computed from (selectors.units_fingerprints: counts, latest ids and
    # change times of the unit's registry, assessments up to the year and demonstrations), read
    # before them under the row lock. The healing task recomputes a row whose inputs differ.
    fingerprint = models.CharField(max_length=64, blank=True)

    objects = UnitFiguresQuerySet.as_manager()

    class Meta:
        verbose_name = _("Live figures of a provincial unit")
        verbose_name_plural = _("Live figures of the provincial units")
        ordering = ["year", "province_id"]
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="unit_figures_one_per_year")]

    def __str__(self):
        return f"{self.province_id} · {self.year}"
