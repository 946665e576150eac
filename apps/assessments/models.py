import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import criterion_scope_q, in_region_scope, region_scope_q
from apps.core.history import AppendOnlyMixin, AppendOnlyQuerySet


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RECOMMENDED = "recommended", _("Recommended to the next level")
    # After the last level, where the province has a naming procedure for the year
    # (apps.naming.procedure): proposed (拟认定) until a batch names it, then approved (= named).
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Revoked")


EDITABLE_STATES = (State.DRAFT, State.RETURNED)


class Rating(models.TextChoices):
    MET = "met", _("Met")
    LARGELY_MET = "largely_met", _("Largely met")
    NOT_MET = "not_met", _("Not met")


class Verdict(models.TextChoices):
    CONFIRMED = "confirmed", _("Confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Not confirmed")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one chokepoint for reading assessments (and, through them, responses and evidence)."""
        return self.filter(region_scope_q(user, community_field="community_id"))


class Assessment(models.Model):
    """One community's self-assessment for one campaign year.

    The community's province, city, county and street are copied here at creation so that
    scoping and every aggregate filter on indexed columns of this table alone.
    """

    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("Community"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    year = models.PositiveSmallIntegerField(_("Year"))
    standard = models.ForeignKey(
        "standards.StandardVersion", verbose_name=_("Standard"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(_("State"), max_length=12, choices=State.choices, default=State.DRAFT)
    # Where the assessment waits in its province's review chain (apps.review.workflow): the level's
    # key while submitted or recommended, "" otherwise; and that chain as submitted ("county,province").
    review_level = models.CharField(_("Waiting at level"), max_length=10, blank=True)
    review_chain = models.CharField(_("Review chain"), max_length=60, blank=True)
    # Optimistic lock for the whole assessment: every transition bumps it.
    version = models.PositiveIntegerField(default=1)
    # Submission round: 1 for the first submission, +1 after each return.
    round = models.PositiveSmallIntegerField(_("Round"), default=1)
    # The place columns have no index of their own: the (place, year, state) indexes below serve
    # every lookup by place, and the planner took a lone place index for the queue's counts of a
    # year, reading every year's rows of the place (issue 29).
    province = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    city = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    street = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("Created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("Submitted at"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("First submitted"), null=True, blank=True)
    recommended_at = models.DateTimeField(_("Recommended at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("Returned at"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("Proposed at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("Approved at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Revoked at"), null=True, blank=True)
    return_reason = models.TextField(_("Reason for return"), blank=True)
    revoke_reason = models.TextField(_("Reason for revocation"), blank=True)
    # Denormalised progress for lists and queues: answered criteria, with evidence, rated not met.
    answered_count = models.PositiveSmallIntegerField(default=0)
    evidenced_count = models.PositiveSmallIntegerField(default=0)
    not_met_count = models.PositiveSmallIntegerField(default=0)
    # Scored standards (a pass mark): the community's total and the total confirmed by the last
    # review level; None under a standard without points.
    self_total = models.DecimalField(_("Self-score"), max_digits=7, decimal_places=2, null=True, blank=True)
    confirmed_total = models.DecimalField(
        _("Confirmed score"), max_digits=7, decimal_places=2, null=True, blank=True
    )

    objects = AssessmentQuerySet.as_manager()
    # Set by a review service that found the same decision already taken (a double click, a retry):
    # the page says so instead of reporting a new decision. Not stored.
    decision_repeated: bool = False

    class Meta:
        verbose_name = _("Self-assessment")
        verbose_name_plural = _("Self-assessments")
        ordering = ["-year", "community_id"]
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="assessment_one_per_year")]
        indexes = [
            models.Index(fields=["province", "year", "state"], name="assessment_prov_year_state"),
            models.Index(fields=["city", "year", "state"], name="assessment_city_year_state"),
            models.Index(fields=["county", "year", "state"], name="assessment_county_year_state"),
            models.Index(fields=["year", "state"], name="assessment_year_state"),
            # A queue of one state and year in submission order (the ministry's approved-2022):
            # read in order from the year's rows, not past every earlier year's (issue 29).
            models.Index(fields=["year", "state", "submitted_at", "id"], name="assessment_year_state_subm"),
            models.Index(fields=["state", "submitted_at"], name="assessment_state_submitted"),
            models.Index(fields=["province", "review_level", "year"], name="assessment_prov_level_year"),
        ]

    def __str__(self):
        return f"{self.community} · {self.year}"

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def is_visible_to(self, user) -> bool:
        """The row-level twin of `visible_to` (no query), for services re-checking a locked row."""
        return in_region_scope(
            user,
            province_id=self.province_id,
            city_id=self.city_id,
            county_id=self.county_id,
            street_id=self.street_id,
            community_id=self.community_id,
        )


class ResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        # A department reads only the criteria its type checks (criterion_scope_q).
        return self.filter(
            region_scope_q(user, "assessment__", community_field="assessment__community_id"),
            criterion_scope_q(user, "criterion"),
        )


class Response(models.Model):
    """The community's answer to one criterion, and the reviewers' verdict on it."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    criterion = models.ForeignKey("standards.Criterion", on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(_("Self-rating"), max_length=12, choices=Rating.choices, blank=True)
    statement = models.TextField(_("What was done"), blank=True)
    figure = models.DecimalField(_("Figure (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    # Under a scored standard: the community's own score (0 ..= criterion.points) and the score the
    # last review level confirmed or corrected it to.
    self_score = models.DecimalField(_("Self-score"), max_digits=6, decimal_places=2, null=True, blank=True)
    confirmed_score = models.DecimalField(
        _("Confirmed score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verdict = models.CharField(_("Verdict"), max_length=14, choices=Verdict.choices, blank=True)
    review_comment = models.TextField(_("Reviewer's comment"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("Criterion response")
        verbose_name_plural = _("Criterion responses")
        ordering = ["assessment", "criterion__number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="response_one_per_criterion")
        ]

    def __str__(self):
        return f"{self.assessment} · {self.criterion.number}"


def evidence_path(instance, filename):
    # Server-made names only: the uploader's name never reaches the file system.
    return f"evidence/{instance.response.assessment.year}/{instance.response.assessment.community_id}/{uuid.uuid4().hex}"


class EvidenceKind(models.TextChoices):
    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    HEIC = "heic", "HEIC"
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (docx)"
    XLSX = "xlsx", "Excel (xlsx)"


class EvidenceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Evidence of assessments in the caller's scope (the chokepoint for every download)."""
        return self.filter(
            region_scope_q(
                user, "response__assessment__", community_field="response__assessment__community_id"
            ),
            criterion_scope_q(user, "response__criterion"),
        )


class Evidence(models.Model):
    """An evidence file for one criterion. Immutable once submitted: its SHA-256 can be verified."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    thumbnail = models.FileField(upload_to="thumbnails/", max_length=200, blank=True)
    original_name = models.CharField(_("File name"), max_length=255)
    caption = models.CharField(_("Caption"), max_length=200, blank=True)
    kind = models.CharField(_("Type"), max_length=8, choices=EvidenceKind.choices)
    size = models.PositiveBigIntegerField(_("Size"))
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("Uploaded"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The round in which this file was first submitted (null: not yet submitted, still removable).
    submitted_round = models.PositiveSmallIntegerField(null=True, blank=True)
    # Removed from the current version after having been submitted: kept for the earlier version.
    withdrawn_round = models.PositiveSmallIntegerField(null=True, blank=True)
    # The photo's EXIF capture date, read at upload before the location is stripped (apps.integrity
    # flags photos older than the campaign year). Server-side only: in no page, export or API answer.
    captured_on = models.DateField(null=True, blank=True, editable=False)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Evidence file")
        verbose_name_plural = _("Evidence files")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.kind in (EvidenceKind.JPEG, EvidenceKind.PNG, EvidenceKind.HEIC)

    @property
    def is_locked(self) -> bool:
        return self.submitted_round is not None


class Submission(models.Model):
    """A frozen copy of what was submitted in one round, so earlier versions can be viewed."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="submissions")
    round = models.PositiveSmallIntegerField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    snapshot = models.JSONField()

    class Meta:
        ordering = ["assessment", "round"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "round"], name="submission_unique_round")
        ]

    def __str__(self):
        return f"{self.assessment_id} #{self.round}"


class Action(models.TextChoices):
    CREATED = "created", _("Created")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned for revision")
    RECOMMENDED = "recommended", _("Recommended to the next level")
    APPROVED = "approved", _("Approved")
    REVOKED = "revoked", _("Revoked")
    REVIEWED = "reviewed", _("Criterion reviewed")
    DESIGNATED = "designated", _("Designated a demonstration community")
    PROPOSED = "proposed", _("Proposed (拟认定)")
    NAMED = "named", _("Named (命名)")
    OBJECTION = "objection", _("Objection received")
    OBJECTION_UPHELD = "objection_upheld", _("Objection upheld: back in review")
    LEFT_BATCH = "left_batch", _("Left the batch")
    EVIDENCE_ADDED = "evidence_added", _("Evidence added")
    EVIDENCE_REMOVED = "evidence_removed", _("Evidence removed")
    FLAG_EXPLAINED = "flag_explained", _("Integrity flag explained")
    SITE_CHECK_FAILED = "site_check_failed", _("Site check failed: back in review")


class AssessmentEvent(AppendOnlyMixin, models.Model):
    """Append-only history of an assessment: who (and in which role) did what, when, and why.

    Each entry carries the hash of the previous entry of the same assessment, so that a changed
    or deleted row breaks the chain (`verify_history`).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("Time"), db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(_("Role"), max_length=12, blank=True)
    action = models.CharField(_("Action"), max_length=20, choices=Action.choices)
    from_state = models.CharField(_("From"), max_length=12, blank=True)
    to_state = models.CharField(_("To"), max_length=12, blank=True)
    reason = models.TextField(_("Reason"), blank=True)
    data = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    objects = AppendOnlyQuerySet.as_manager()
    # One chain per assessment, in the order services append (history_append, under the row lock).
    chain_key = "assessment_id"
    chain_order = ("assessment_id", "at", "id")
    chain_label = "assessment"
    chain_entry = "event"

    class Meta:
        verbose_name = _("History entry")
        verbose_name_plural = _("History")
        ordering = ["assessment", "at", "id"]

    def __str__(self):
        return f"{self.assessment_id} {self.action} {self.at:%Y-%m-%d %H:%M}"

    def hash_values(self) -> list:
        return [
            self.prev_hash,
            self.assessment_id,
            self.at.isoformat(),
            self.actor_id,
            self.actor_role,
            self.action,
            self.from_state,
            self.to_state,
            self.reason,
            self.data,
        ]
