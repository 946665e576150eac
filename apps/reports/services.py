"""Every write of the reports app: compiles, narrative, submission, return, reminders, late marking,
PDF rendering and compile jobs. Keyword-only; each one atomic and safe to run twice."""

import datetime as dt
import logging
import threading
from collections import defaultdict

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from apps.accounts.capabilities import can_edit_report, can_see_national
from apps.accounts.models import Role, User
from apps.core import campaign
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.history import chain_append, chain_append_many
from apps.core.text import text_check
from apps.notices.services import notify_users
from apps.regions.models import Region
from apps.regions.selectors import provincial_units

from . import fingerprint, selectors
from .models import (
    NARRATIVE_FIELDS,
    AnnualReport,
    CompileJob,
    JobKind,
    JobOutcome,
    JobState,
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


def national_snapshot_compile(*, year: int) -> NationalSnapshot:
    """Compose the national figures of `year` from the 32 units' stored figures (those never
    stored are computed first) with the report status, in one write under the snapshot's lock.

    Idempotent: equal figures leave the stored snapshot as it is. Called after every refresh of a
    unit (so the national dashboard is live) and by the year's compile once every unit is done."""
    with transaction.atomic():
        snapshot = NationalSnapshot.objects.select_for_update().filter(year=year).first()
        if snapshot is None:
            # The first composition of the year: a concurrent one creates it too, one of them wins.
            try:
                with transaction.atomic():
                    snapshot = NationalSnapshot.objects.create(
                        year=year, figures={}, compiled_at=timezone.now()
                    )
            except IntegrityError:
                snapshot = NationalSnapshot.objects.select_for_update().get(year=year)
            snapshot = NationalSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        # Read under the lock: a composition that waited sees every unit committed before it.
        figures = selectors.national_figures_compose(year=year, summaries=selectors.unit_summaries(year=year))
        figures["report_status"] = selectors.report_status(year=year, today=campaign.today())
        # The progress of every year, so that the PDF is reproduced from this snapshot alone.
        figures["trend"] = selectors.national_trend(until=year, current=figures)
        if snapshot.figures != figures:
            snapshot.figures = figures
            snapshot.compiled_at = timezone.now()
            snapshot.save(update_fields=["figures", "compiled_at"])
    return snapshot


# --- Live figures --------------------------------------------------------------


def _store_unit(*, province_id: str, year: int, figures: dict, fingerprint: str = "") -> UnitFigures:
    """Store one unit's figures (with the fingerprint of the inputs they were computed from) and
    hand them to its draft (or returned) report of that year. Caller holds the UnitFigures row lock."""
    columns = selectors.unit_figures_split(figures)
    now = timezone.now()
    row, created = UnitFigures.objects.get_or_create(
        province_id=province_id,
        year=year,
        defaults={**columns, "computed_at": now, "fingerprint": fingerprint},
    )
    if not created:
        row.summary, row.areas, row.lists, row.computed_at, row.fingerprint = (
            columns["summary"],
            columns["areas"],
            columns["lists"],
            now,
            fingerprint,
        )
        row.save(update_fields=["summary", "areas", "lists", "computed_at", "fingerprint"])
    report = (
        AnnualReport.objects.select_for_update()
        .filter(province_id=province_id, year=year)
        .exclude(state=ReportState.SUBMITTED)
        .first()
    )
    if report is not None and report.figures != figures:
        report.figures = figures
        report.compiled_at = now
        report.save(update_fields=["figures", "compiled_at", "updated_at"])
    return row


def _lock_units(codes: list[str], year: int) -> None:
    """Serialize the refreshes of these units and year: a refresh that waited computes after the
    previous one committed, so the last write is never computed from older data. Rows missing
    are created first; the locks are taken in one query, in code order (two refreshes of
    overlapping units cannot deadlock)."""
    stale = timezone.now() - dt.timedelta(days=3650)
    UnitFigures.objects.bulk_create(
        [UnitFigures(province_id=code, year=year, computed_at=stale) for code in codes], ignore_conflicts=True
    )
    list(
        UnitFigures.objects.select_for_update()
        .filter(province_id__in=codes, year=year)
        .order_by("province_id")
        .values_list("pk", flat=True)
    )


def _refresh_year(year: int, codes: list[str] | None = None) -> int:
    """One year's figures of `codes` (every unit when None), in one transaction: locked, computed
    in ONE grouped pass, stored (with their draft reports). Returns the units stored.

    Races: whoever refreshes a unit-year (a decision's after-commit refresh, the healing task, an
    import) waits for its row lock, then reads what is committed by then, so the last write is
    never computed from older data than an earlier one. The fingerprint is read BEFORE the
    figures: a decision committing in between leaves a fingerprint older than the figures (the
    healing task recomputes once more, harmless), never the reverse (a change hidden for good)."""
    with transaction.atomic():
        locked = (
            sorted(codes) if codes is not None else list(provincial_units().values_list("code", flat=True))
        )
        _lock_units(locked, year)
        prints = fingerprint.units_fingerprints(
            years=[year], province_codes=None if codes is None else locked
        )
        computed = selectors.units_figures_compute(
            year=year, province_codes=None if codes is None else locked
        )
        for code in locked:
            _store_unit(province_id=code, year=year, figures=computed[code], fingerprint=prints[(code, year)])
    return len(locked)


def unit_figures_refresh(*, province_id: str, years, compose_national: bool = True) -> None:
    """Recompute the figures of one provincial unit for each of `years`, store them, update its
    draft report, then (by default) recompose the national figures of those years.

    Idempotent and safe to run concurrently (the unit's row is locked while it is computed, the
    national snapshot while it is composed). Anyone's decision may trigger it: it reads and
    writes figures only. A year's figures are computed and stored in one transaction."""
    for year in sorted(set(years)):
        _refresh_year(year, [province_id])
        if compose_national:
            national_snapshot_compile(year=year)


def figures_years_from(year: int) -> list[int]:
    """The years whose figures a change in `year` can move: that year and every later one up to
    the current campaign year (meeting the requirements is cumulative; the registry of a year is
    the registry at its end)."""
    last = max(selectors.figure_years()[-1], year)
    return list(range(max(year, campaign.FIRST_YEAR), last + 1))


_pending = threading.local()
log = logging.getLogger(__name__)


def unit_figures_refresh_on_commit(*, province_id: str, year: int) -> None:
    """THE call every decision makes (submit, recommend, return, approve, revoke, designate,
    registry changes and imports): once the caller's transaction commits, the unit's figures of
    `year` and the later years are recomputed and stored, and the national figures recomposed, in
    the same request (well under a second for the largest unit).

    Calls within one transaction are merged (a bulk approval of 50 refreshes once). A refresh that
    fails is logged and leaves the decision committed; the healing task (`figures_heal`, beat)
    catches up. Outside a transaction it runs at once."""
    pending = getattr(_pending, "units", None)
    registered = transaction.get_connection().run_on_commit
    if pending is None or not any(func is _refresh_pending for _sids, func, _robust in registered):
        # Nothing of ours waits for a commit: units left here by a rolled-back transaction are
        # not refreshed by the next one.
        pending = _pending.units = {}
    pending[province_id] = min(year, pending.get(province_id, year))
    transaction.on_commit(_refresh_pending, robust=True)


def _refresh_pending() -> None:
    pending = getattr(_pending, "units", None) or {}
    _pending.units = {}
    if len(pending) == 1:
        ((province_id, year),) = pending.items()
        unit_figures_refresh(province_id=province_id, years=figures_years_from(year))
    elif pending:
        units_figures_refresh(pending=pending)


def units_figures_refresh(*, pending: dict[str, int]) -> None:
    """The refresh of several units at once ({unit: first year}, e.g. after a national import):
    per year, ONE grouped pass over the units that year concerns (not one per unit), then the
    national figures of that year composed once."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for province_id, first in pending.items():
        for year in figures_years_from(first):
            by_year[year].append(province_id)
    for year, codes in sorted(by_year.items()):
        _refresh_year(year, codes)
        national_snapshot_compile(year=year)


def figures_refresh_all(*, years=None) -> int:
    """Recompute every unit's figures for `years` (default: every campaign year), one grouped pass
    per year, store them, update the draft reports and recompose the national figures. Used by
    `manage.py refresh_figures`, the demo data and the bench. Returns the rows written."""
    written = 0
    for year in sorted(set(years or selectors.figure_years())):
        written += _refresh_year(year)
        national_snapshot_compile(year=year)
    return written


def figures_heal(*, years=None) -> list[tuple[str, int]]:
    """The healing task (beat, every 5 minutes): compare the inputs of every unit-year's figures
    with the fingerprint they were computed from (`fingerprint.units_fingerprints`, three grouped
    queries for the nation), recompute and store those that differ or were never computed (one
    grouped pass per year over the units concerned, under their row locks), recompose the national
    figures of those years, and log each repair. Whatever wrote the inputs (a service whose
    after-commit refresh failed, a bulk load, a restore, SQL by hand), the figures become current
    within one beat period. Idempotent; usually finds nothing. Returns the (unit, year) repaired."""
    years = sorted(set(years or selectors.figure_years()))
    current = fingerprint.units_fingerprints(years=years)
    stored = {
        (code, year): print_
        for code, year, print_ in UnitFigures.objects.filter(year__in=years).values_list(
            "province_id", "year", "fingerprint"
        )
    }
    differing = sorted(key for key, print_ in current.items() if stored.get(key) != print_)
    by_year: dict[int, list[str]] = defaultdict(list)
    for code, year in differing:
        by_year[year].append(code)
    for year, codes in sorted(by_year.items()):
        _refresh_year(year, codes)
        national_snapshot_compile(year=year)
        log.warning(
            "figures healed: %s of %s differed from their inputs and were recomputed",
            ", ".join(codes),
            year,
        )
    return differing


def figures_refresh_stale() -> int:
    """Kept for callers of the former timestamp sweep: the healing task. Returns the unit-years repaired."""
    return len(figures_heal())


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
    deadline = selectors.report_deadline(year)
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


def national_snapshot_make_current(*, year: int) -> NationalSnapshot:
    """Before the national PDF is served: the units of `year` whose inputs changed are recomputed
    (`figures_heal` of that year), then the snapshot is composed again with today's report status
    (days overdue change at midnight). Equal figures leave the snapshot, and so its PDF, as they
    are; anything else renders a new PDF whose "figures as of" is the time of this composition."""
    figures_heal(years=[year])
    return national_snapshot_compile(year=year)


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
    if kind == JobKind.PROVINCE:
        frozen = AnnualReport.objects.filter(
            province_id=province_code, year=year, state=ReportState.SUBMITTED
        ).first()
        if frozen is not None:
            raise ConflictError(
                _(
                    "The %(year)s report was submitted to the ministry on %(date)s: its figures are frozen "
                    "and nothing was compiled. The report page shows how today's figures differ."
                )
                % {"year": year, "date": timezone.localtime(frozen.submitted_at).strftime("%Y-%m-%d")},
                code="report_frozen",
            )
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


def compile_job_mark(*, job_id: str | None, state: str, error: str = "", outcome: str = "") -> None:
    """Move a job to running / done / failed (no-op without a job id or when the job is gone); a
    done job records its outcome (compiled, unchanged, frozen)."""
    if not job_id:
        return
    now = timezone.now()
    fields = {"state": state, "outcome": outcome}
    if state == JobState.RUNNING:
        fields["started_at"] = now
    else:
        fields["finished_at"] = now
        fields["error"] = error[:2000]
    CompileJob.objects.filter(pk=job_id).update(**fields)
