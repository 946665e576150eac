"""Every write of the reports app about the annual reports: compile, narrative, submission, return,
reminders, late marking, PDF rendering. Keyword-only; each one atomic and safe to run twice. The
stored figures are kept current by `apps.reports.figures.store`, compile jobs by `jobs`."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_edit_report, can_see_national
from apps.accounts.models import Role, User
from apps.core import campaign, versioned
from apps.core.campaign import report_deadline
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.history import chain_append, chain_append_many
from apps.core.text import text_check
from apps.notices.services import notify_users
from apps.regions.selectors import provincial_units

from . import selectors
from .figures import fingerprint
from .figures.store import national_snapshot_compile, unit_figures_refresh
from .models import (
    NARRATIVE_FIELDS,
    AnnualReport,
    JobOutcome,
    NationalSnapshot,
    ReportAction,
    ReportEvent,
    ReportState,
    UnitFigures,
)


def _record(
    report: AnnualReport, user: User | None, action: str, *, reason: str = "", day=None
) -> ReportEvent:
    """Append one history entry chained to the previous entry of the report (through the one
    append path of every history, apps.core.history.chain_append)."""
    return chain_append(
        ReportEvent, report_id=report.pk, at=timezone.now(), actor=user, action=action, reason=reason, day=day
    )


def annual_report_ensure(*, province_code: str, year: int) -> AnnualReport:
    """The report of a provincial unit and year, created as an empty draft if missing (race-safe)."""
    report = AnnualReport.objects.filter(province_id=province_code, year=year).first()
    if report:
        return report
    try:
        with transaction.atomic():
            report = AnnualReport.objects.create(province_id=province_code, year=year)
            _record(report, None, ReportAction.CREATED)
            return report
    except IntegrityError:
        return AnnualReport.objects.get(province_id=province_code, year=year)


def annual_report_compile(*, province_code: str, year: int, user: User | None = None) -> AnnualReport:
    """Bring the figures of one provincial unit and year up to date, and its report with them.

    Idempotent: the figures are computed from the database and stored (UnitFigures); a draft or
    returned report takes them in one short transaction under its row lock, equal figures leave
    the row untouched (so running twice, or a redelivered task, changes nothing). A submitted
    report is frozen and never recompiled. Called by the compile task, the schedule and province
    staff (through a job); decisions refresh through `unit_figures_refresh_on_commit`. The returned
    report says what happened in `compile_outcome` (JobOutcome: compiled, unchanged or frozen).
    """
    report = annual_report_ensure(province_code=province_code, year=year)
    if report.state == ReportState.SUBMITTED:
        report.compile_outcome = JobOutcome.FROZEN
        return report
    before = report.compiled_at
    # One transaction for the figures and the history line: a worker killed in between leaves
    # neither, and the redelivered task compiles again.
    with transaction.atomic():
        unit_figures_refresh(province_id=province_code, years=[year], compose_national=False)
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.state == ReportState.SUBMITTED:
            locked.compile_outcome = JobOutcome.FROZEN
            return locked
        if locked.compiled_at != before:
            _record(locked, user, ReportAction.COMPILED)
            locked.compile_outcome = JobOutcome.COMPILED
        else:
            locked.compile_outcome = JobOutcome.UNCHANGED
    return locked


def _require_province_staff(user: User, report: AnnualReport) -> None:
    if not can_edit_report(user, report.province_id):
        raise ForbiddenError(_("Only the provincial department of this unit can change its report."))


def _lock_checked(report: AnnualReport, expected_version: int | None) -> AnnualReport:
    locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConflictError(
            _("Someone else changed this report since you opened it. Reload it; nothing was saved."),
            code="stale_version",
        )
    return locked


def annual_report_update_narrative(
    *, report: AnnualReport, user: User, data: dict[str, str], expected_version: int | None = None
) -> AnnualReport:
    """Save the narrative sections. Province staff of the unit only, while draft or returned; a
    stale `expected_version` (someone saved in between) raises ConflictError and saves nothing.
    A section holding a control character is refused (apps.core.text), naming the section."""
    _require_province_staff(user, report)
    for name in NARRATIVE_FIELDS:
        if name in data:
            label = AnnualReport._meta.get_field(name).verbose_name
            text_check(data[name], field=name, label=label, multiline=True)
    with transaction.atomic():
        locked = _lock_checked(report, expected_version)
        if not locked.is_editable:
            raise ConflictError(
                _("The report has been submitted and can no longer be edited."), code="wrong_state"
            )
        for name in NARRATIVE_FIELDS:
            if name in data:
                setattr(locked, name, (data[name] or "").strip())
        locked.version += 1
        locked.pdf_compiled_at = None  # the stored PDF no longer shows this text
        locked.save(update_fields=[*NARRATIVE_FIELDS, "version", "pdf_compiled_at", "updated_at"])
        _record(locked, user, ReportAction.EDITED)
    return locked


def annual_report_submit(
    *, report: AnnualReport, user: User, expected_version: int | None = None, today: dt.date | None = None
) -> AnnualReport:
    """Submit the report to the ministry: recompiles the figures one last time, then freezes them.
    On time when submitted on or before 30 November of the report's year (Asia/Shanghai)."""
    _require_province_staff(user, report)
    today = today or campaign.today()
    if report.is_editable:
        annual_report_compile(province_code=report.province_id, year=report.year, user=user)
    with transaction.atomic():
        locked = _lock_checked(report, expected_version)
        if not locked.is_editable:
            raise ConflictError(_("The report has already been submitted."), code="wrong_state")
        missing = [n for n in NARRATIVE_FIELDS if not getattr(locked, n).strip()]
        if missing:
            raise ServiceError(
                _("Write every narrative section before submitting."),
                code="narrative_missing",
                field=missing[0],
            )
        locked.state = ReportState.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by = user
        locked.is_late = today > report_deadline(locked.year)
        locked.version += 1
        locked.pdf_compiled_at = None
        locked.save(
            update_fields=[
                *(
                    "state",
                    "submitted_at",
                    "submitted_by",
                    "is_late",
                    "version",
                    "pdf_compiled_at",
                    "updated_at",
                )
            ]
        )
        _record(locked, user, ReportAction.SUBMITTED, reason=_("late") if locked.is_late else "")
        _report_status_changed(locked.year)
        # The next level (the ministry) is told of every submission and resubmission.
        text = (
            _("%(province)s submitted its %(year)s annual report (late).")
            if locked.is_late
            else _("%(province)s submitted its %(year)s annual report.")
        ) % {"province": locked.province.name, "year": locked.year}
        _notify(User.objects.filter(role=Role.MINISTRY, is_active=True), text, f"/reports/{locked.pk}/")
    return locked


def annual_report_return(*, report: AnnualReport, user: User, reason: str) -> AnnualReport:
    """The ministry returns a submitted report with a reason; the province can edit and resubmit."""
    if not can_see_national(user):
        raise ForbiddenError(_("Only the ministry can return a report."))
    reason = text_check(reason, field="reason", label=_("Reason for return"), multiline=True).strip()
    if not reason:
        raise ServiceError(
            _("Give a reason for returning the report."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.state != ReportState.SUBMITTED:
            raise ConflictError(_("Only a submitted report can be returned."), code="wrong_state")
        locked.state = ReportState.RETURNED
        locked.returned_at = timezone.now()
        locked.return_reason = reason
        locked.version += 1
        locked.pdf_compiled_at = None
        locked.save(
            update_fields=[
                "state",
                "returned_at",
                "return_reason",
                "version",
                "pdf_compiled_at",
                "updated_at",
            ]
        )
        _record(locked, user, ReportAction.RETURNED, reason=reason)
        _report_status_changed(locked.year)
        _notify(
            _province_users(locked.province_id),
            _("Your %(year)s annual report was returned by the ministry: %(reason)s")
            % {"year": locked.year, "reason": reason},
            f"/reports/{locked.pk}/",
        )
    return locked


def _province_users(province_code: str):
    return User.objects.filter(role=Role.PROVINCE, region_id=province_code, is_active=True)


def _notify(users, text: str, url: str) -> None:
    notify_users(users=users, text=text, url=url)


def annual_reports_remind(*, year: int, today: dt.date | None = None, user: User | None = None) -> int:
    """Remind (e-mail and notice) every provincial department whose report of `year` is not submitted.
    At most once a day per report (a unique history row guards a rerun, whether the schedule or the
    ministry sent it). `user`: who sent it (None: the schedule). Returns the units reminded."""
    today = today or campaign.today()
    deadline = report_deadline(year)
    days_left = (deadline - today).days
    reminded = 0
    for code in provincial_units().values_list("code", flat=True):
        report = annual_report_ensure(province_code=code, year=year)
        if report.state == ReportState.SUBMITTED:
            continue
        if days_left >= 0:
            text = _(
                "Reminder: your %(year)s annual summary evaluation report is due on 30 November (%(days)s days left)."
            ) % {"year": year, "days": days_left}
        else:
            text = _(
                "Reminder: your %(year)s annual summary evaluation report was due on 30 November and has not been submitted yet."
            ) % {"year": year}
        try:
            with transaction.atomic():
                _record(report, user, ReportAction.REMINDED, day=today)
                _notify(_province_users(code), text, f"/reports/{report.pk}/")
        except IntegrityError:
            continue  # already reminded today
        reminded += 1
    return reminded


def annual_reports_remind_by(*, user: User, year: int, today: dt.date | None = None) -> int:
    """The ministry's reminder (催报) to the units that have not submitted their report of `year`:
    the same notice and e-mail as the scheduled reminders, at most once a day per unit. Ministry
    and administrators only (ForbiddenError otherwise). Returns the units reminded."""
    from apps.accounts.capabilities import can_remind_reports

    if not can_remind_reports(user):
        raise ForbiddenError(_("Only the ministry can remind the provincial units."))
    return annual_reports_remind(year=year, today=today, user=user)


def annual_reports_mark_late(*, year: int, today: dt.date | None = None) -> int:
    """After 30 November, flag late every report of `year` still not submitted (creating the missing
    drafts so that every unit has a row). Idempotent: already flagged reports are skipped."""
    today = today or campaign.today()
    if today <= report_deadline(year):
        return 0
    for code in provincial_units().values_list("code", flat=True):
        annual_report_ensure(province_code=code, year=year)
    with transaction.atomic():
        pending = list(
            AnnualReport.objects.select_for_update()
            .filter(year=year, is_late__isnull=True)
            .exclude(state=ReportState.SUBMITTED)
        )
        AnnualReport.objects.filter(pk__in=[r.pk for r in pending]).update(is_late=True, pdf_compiled_at=None)
        versioned.drop(selectors.REPORTS_VERSION)  # update() sends no signal
        now = timezone.now()
        chain_append_many(
            ReportEvent, [{"report_id": r.pk, "at": now, "action": ReportAction.MARKED_LATE} for r in pending]
        )
        if pending:
            _report_status_changed(year)
    return len(pending)


def _report_status_changed(year: int) -> None:
    """A report's status changed: once committed, the national snapshot of the year (its report
    status table, and so its PDF) is composed again, as the dashboard shows it."""
    transaction.on_commit(lambda: national_snapshot_compile(year=year), robust=True)


def annual_report_make_current(*, report: AnnualReport) -> AnnualReport:
    """Before a provincial PDF is served: a draft or returned report whose unit's inputs changed
    since its figures were computed (the fingerprint differs) takes the figures recomputed now, so
    the PDF is never older than the page. A submitted report keeps the figures it was submitted
    with. Idempotent; one fingerprint read when nothing changed."""
    if not report.is_editable:
        return report
    current = fingerprint.units_fingerprints(years=[report.year], province_codes=[report.province_id])
    stored = (
        UnitFigures.objects.filter(province_id=report.province_id, year=report.year)
        .values_list("fingerprint", flat=True)
        .first()
    )
    if stored != current[(report.province_id, report.year)] or not report.compiled_at:
        annual_report_compile(province_code=report.province_id, year=report.year)
        national_snapshot_compile(year=report.year)
    return AnnualReport.objects.select_related("province").get(pk=report.pk)


# --- PDFs --------------------------------------------------------------------


def _pdf_store(obj, content: bytes, filename: str):
    """Store `content`, rendered from `obj` (a report or a national snapshot) as it was compiled,
    as its PDF, unless it was compiled again meanwhile (a later render will follow); the file it
    replaces is deleted after commit. Returns the row as locked."""
    compiled_at = obj.compiled_at
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        if locked.compiled_at != compiled_at:
            return locked
        old = locked.pdf.name if locked.pdf else None
        locked.pdf.save(filename, ContentFile(content), save=False)
        locked.pdf_compiled_at = compiled_at
        locked.save(update_fields=["pdf", "pdf_compiled_at"])
        if old:
            storage, name = locked.pdf.storage, old
            transaction.on_commit(lambda: storage.delete(name))
    return locked


def annual_report_render_pdf(*, report_id: int) -> AnnualReport | None:
    """Render and store the PDF of a report from its stored snapshot (skipped when already current)."""
    from .pdf import render_annual_report

    report = AnnualReport.objects.select_related("province").filter(pk=report_id).first()
    if report is None or not report.compiled_at:
        return report
    if report.pdf_is_current:
        return report
    return _pdf_store(report, render_annual_report(report), f"{report.province_id}.pdf")


def national_render_pdf(*, year: int) -> NationalSnapshot | None:
    """Render and store the national progress PDF of `year` (skipped when already current)."""
    from .pdf import render_national

    snapshot = NationalSnapshot.objects.filter(year=year).first()
    if snapshot is None or snapshot.pdf_is_current:
        return snapshot
    return _pdf_store(snapshot, render_national(snapshot), f"national-{year}.pdf")
