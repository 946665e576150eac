"""Every write of the reports app: compiles, narrative, submission, return, reminders, late marking,
PDF rendering and compile jobs. Keyword-only; each one atomic and safe to run twice."""

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from apps.accounts.capabilities import can_edit_report, can_see_national
from apps.accounts.models import Role, User
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.notices.services import notify_users
from apps.regions.models import Region
from apps.regions.selectors import provincial_units

from . import selectors
from .models import (
    NARRATIVE_FIELDS,
    AnnualReport,
    CompileJob,
    JobKind,
    JobState,
    NationalSnapshot,
    ReportAction,
    ReportEvent,
    ReportState,
)


def _chained(report_id: int, previous: str | None, **fields) -> ReportEvent:
    event = ReportEvent(report_id=report_id, prev_hash=previous or "", **fields)
    event.hash = event.compute_hash()
    return event


def _last_hash(report_id: int) -> str | None:
    return (
        ReportEvent.objects.filter(report_id=report_id)
        .order_by("-at", "-id")
        .values_list("hash", flat=True)
        .first()
    )


def _record(
    report: AnnualReport, user: User | None, action: str, *, reason: str = "", day=None
) -> ReportEvent:
    """Append one history entry chained to the previous entry of the report. Callers hold the
    report's row lock (or just created it), so a report's entries are appended one at a time."""
    with transaction.atomic():
        # Reminders do not otherwise lock the report: lock it here so the chain stays linear.
        AnnualReport.objects.select_for_update().filter(pk=report.pk).values_list("pk").first()
        event = _chained(
            report.pk,
            _last_hash(report.pk),
            at=timezone.now(),
            actor=user,
            action=action,
            reason=reason,
            day=day,
        )
        event.save()
    return event


def _today() -> dt.date:
    return timezone.localdate()


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
    """Compile the figures of one provincial unit and year into its report.

    Idempotent: the figures are computed from the database outside the write, then stored in one
    short transaction under the row lock; equal figures leave the row untouched (so running twice,
    or a redelivered task, changes nothing). A submitted report is frozen and never recompiled.
    Called by the compile task, the schedule and province staff (through a job).
    """
    report = annual_report_ensure(province_code=province_code, year=year)
    if report.state == ReportState.SUBMITTED:
        return report
    figures = selectors.region_figures(year=year, province_code=province_code)
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        if locked.state == ReportState.SUBMITTED or locked.figures == figures:
            return locked
        locked.figures = figures
        locked.compiled_at = timezone.now()
        locked.save(update_fields=["figures", "compiled_at", "updated_at"])
        _record(locked, user, ReportAction.COMPILED)
    return locked


def national_snapshot_compile(*, year: int) -> NationalSnapshot:
    """Compile the national figures of `year` (every unit, ranked, report status) in one write.

    Idempotent: equal figures leave the stored snapshot as it is."""
    figures = selectors.region_figures(year=year)
    figures["report_status"] = selectors.report_status(year=year, today=_today())
    with transaction.atomic():
        snapshot = NationalSnapshot.objects.select_for_update().filter(year=year).first()
        if snapshot is None:
            return NationalSnapshot.objects.create(year=year, figures=figures, compiled_at=timezone.now())
        if snapshot.figures != figures:
            snapshot.figures = figures
            snapshot.compiled_at = timezone.now()
            snapshot.save(update_fields=["figures", "compiled_at"])
    return snapshot


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
    stale `expected_version` (someone saved in between) raises ConflictError and saves nothing."""
    _require_province_staff(user, report)
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
    today = today or _today()
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
        locked.is_late = today > selectors.report_deadline(locked.year)
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
    return locked


def annual_report_return(*, report: AnnualReport, user: User, reason: str) -> AnnualReport:
    """The ministry returns a submitted report with a reason; the province can edit and resubmit."""
    if not can_see_national(user):
        raise ForbiddenError(_("Only the ministry can return a report."))
    reason = (reason or "").strip()
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


def annual_reports_remind(*, year: int, today: dt.date | None = None) -> int:
    """Remind (e-mail and notice) every provincial department whose report of `year` is not submitted.
    At most once a day per report (a unique history row guards a rerun). Returns the units reminded."""
    today = today or _today()
    deadline = selectors.report_deadline(year)
    days_left = (deadline - today).days
    reminded = 0
    for code in provincial_units().values_list("code", flat=True):
        report = annual_report_ensure(province_code=code, year=year)
        if report.state == ReportState.SUBMITTED:
            continue
        try:
            with transaction.atomic():
                _record(report, None, ReportAction.REMINDED, day=today)
                _notify(
                    _province_users(code),
                    _(
                        "Reminder: your %(year)s annual summary evaluation report is due on 30 November (%(days)s days left)."
                    )
                    % {"year": year, "days": days_left},
                    f"/reports/{report.pk}/",
                )
        except IntegrityError:
            continue  # already reminded today
        reminded += 1
    return reminded


def annual_reports_mark_late(*, year: int, today: dt.date | None = None) -> int:
    """After 30 November, flag late every report of `year` still not submitted (creating the missing
    drafts so that every unit has a row). Idempotent: already flagged reports are skipped."""
    today = today or _today()
    if today <= selectors.report_deadline(year):
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
        now = timezone.now()
        ReportEvent.objects.bulk_create(
            [_chained(r.pk, _last_hash(r.pk), at=now, action=ReportAction.MARKED_LATE) for r in pending]
        )
    return len(pending)


# --- PDFs --------------------------------------------------------------------


def annual_report_render_pdf(*, report_id: int) -> AnnualReport | None:
    """Render and store the PDF of a report from its stored snapshot (skipped when already current)."""
    from .pdf import render_annual_report

    report = AnnualReport.objects.select_related("province").filter(pk=report_id).first()
    if report is None or not report.compiled_at:
        return report
    if report.pdf_is_current:
        return report
    compiled_at = report.compiled_at
    content = render_annual_report(report)
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report_id)
        if locked.compiled_at != compiled_at:
            return locked  # recompiled meanwhile: a later render will follow
        old = locked.pdf.name if locked.pdf else None
        locked.pdf.save(f"{locked.province_id}.pdf", ContentFile(content), save=False)
        locked.pdf_compiled_at = compiled_at
        locked.save(update_fields=["pdf", "pdf_compiled_at"])
        if old:
            storage, name = locked.pdf.storage, old
            transaction.on_commit(lambda: storage.delete(name))
    return locked


def national_render_pdf(*, year: int) -> NationalSnapshot | None:
    """Render and store the national progress PDF of `year` (skipped when already current)."""
    from .pdf import render_national

    snapshot = NationalSnapshot.objects.filter(year=year).first()
    if snapshot is None or snapshot.pdf_is_current:
        return snapshot
    compiled_at = snapshot.compiled_at
    content = render_national(snapshot)
    with transaction.atomic():
        locked = NationalSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        if locked.compiled_at != compiled_at:
            return locked
        old = locked.pdf.name if locked.pdf else None
        locked.pdf.save(f"national-{year}.pdf", ContentFile(content), save=False)
        locked.pdf_compiled_at = compiled_at
        locked.save(update_fields=["pdf", "pdf_compiled_at"])
        if old:
            storage, name = locked.pdf.storage, old
            transaction.on_commit(lambda: storage.delete(name))
    return locked


# --- Compile jobs ------------------------------------------------------------


def compile_job_start(
    *, user: User | None, kind: str, year: int, province_code: str | None = None
) -> CompileJob:
    """Record a compile job and enqueue it after commit. Province staff may compile their own unit;
    the ministry and administrators any unit or the whole year."""
    if user is not None:
        national = can_see_national(user)
        if kind == JobKind.YEAR and not national:
            raise ForbiddenError(_("Only the ministry can compile the whole year."))
        if kind == JobKind.PROVINCE and not national and not can_edit_report(user, province_code):
            raise ForbiddenError(_("You can only compile the report of your own provincial unit."))
    if kind == JobKind.PROVINCE and not Region.objects.filter(pk=province_code, level="province").exists():
        raise ServiceError(_("Unknown provincial unit."), code="unknown_province", field="province")
    with transaction.atomic():
        job = CompileJob.objects.create(
            kind=kind,
            year=year,
            province_id=province_code if kind == JobKind.PROVINCE else None,
            requested_by=user,
        )
        transaction.on_commit(lambda: compile_job_enqueue(job=job))
    return job


def compile_job_enqueue(*, job: CompileJob) -> bool:
    """Send a pending job to the broker and stamp `enqueued_at`. When Redis is unreachable nothing is
    sent and the job stays pending (never lost): `compile_jobs_requeue` (run by beat every few
    minutes, and on the next compile request) sends it once the broker is back. Returns whether it
    was sent. A job sent twice is harmless: compiles are idempotent."""
    from apps.core.broker import broker_available

    from . import tasks

    if not broker_available():
        return False
    try:
        if job.kind == JobKind.PROVINCE:
            tasks.compile_annual_report.delay(job.province_id, job.year, str(job.pk))
        else:
            tasks.compile_year.delay(job.year, str(job.pk))
    except (BrokerError, ConnectionError, OSError):  # broker gone since the check: the job stays pending
        logging.getLogger(__name__).warning(
            "compile job %s not enqueued: broker unreachable", job.pk, exc_info=True
        )
        return False
    CompileJob.objects.filter(pk=job.pk, enqueued_at__isnull=True).update(enqueued_at=timezone.now())
    return True


def compile_jobs_requeue(*, min_age_seconds: int = 10) -> int:
    """Send again every pending job that never reached the broker (created while Redis was down),
    oldest first. Called by the beat task `reports.requeue_pending_jobs` and before a new compile
    request. Returns the number sent."""
    cutoff = timezone.now() - dt.timedelta(seconds=min_age_seconds)
    sent = 0
    for job in CompileJob.objects.filter(
        state=JobState.PENDING, enqueued_at__isnull=True, created_at__lte=cutoff
    ).order_by("created_at")[:500]:
        if not compile_job_enqueue(job=job):
            break
        sent += 1
    return sent


def compile_job_mark(*, job_id: str | None, state: str, error: str = "") -> None:
    """Move a job to running / done / failed (no-op without a job id or when the job is gone)."""
    if not job_id:
        return
    now = timezone.now()
    fields = {"state": state}
    if state == JobState.RUNNING:
        fields["started_at"] = now
    else:
        fields["finished_at"] = now
        fields["error"] = error[:2000]
    CompileJob.objects.filter(pk=job_id).update(**fields)
