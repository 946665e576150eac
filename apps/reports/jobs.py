"""Compile jobs: a request to compile one unit's report or a whole year, recorded, then sent to the
broker after commit (`compile_job_start`); a job the broker never received stays pending and is
sent again (`compile_jobs_requeue`); the task marks it running, done or failed (`compile_job_mark`)."""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as BrokerError

from apps.accounts.capabilities import can_edit_report, can_see_national
from apps.accounts.models import User
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.regions.models import Region

from .models import AnnualReport, CompileJob, JobKind, JobState, ReportState


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
    fields: dict[str, object] = {"state": state, "outcome": outcome}
    if state == JobState.RUNNING:
        fields["started_at"] = now
    else:
        fields["finished_at"] = now
        fields["error"] = error[:2000]
    CompileJob.objects.filter(pk=job_id).update(**fields)
