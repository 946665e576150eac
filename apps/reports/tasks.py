"""Celery tasks of the reports app: thin wrappers around services, ids only, idempotent.

Transient faults (database or broker connection) are retried with exponential backoff; the
settings acknowledge late and reject on worker loss, so a message whose worker died is redelivered
and simply recompiles (compiles write in one transaction and equal figures change nothing).
"""

import logging

from celery import chord, group, shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from apps.core import campaign
from apps.regions.selectors import provincial_units

from . import jobs, services
from .figures import store
from .models import JobState

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError)
COMMON = {
    "acks_late": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 5,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 5,
}


@shared_task(name="reports.compile_annual_report", time_limit=300, soft_time_limit=240, **COMMON)
def compile_annual_report(province_code: str, year: int, job_id: str | None = None) -> str:
    """Compile one provincial unit's report of `year` (frozen reports are left alone)."""
    jobs.compile_job_mark(job_id=job_id, state=JobState.RUNNING)
    try:
        report = services.annual_report_compile(province_code=province_code, year=year)
    except TRANSIENT:
        raise
    except Exception as exc:
        jobs.compile_job_mark(job_id=job_id, state=JobState.FAILED, error=repr(exc))
        raise
    jobs.compile_job_mark(job_id=job_id, state=JobState.DONE, outcome=report.compile_outcome)
    return str(report.pk)


@shared_task(name="reports.compile_national_snapshot", time_limit=300, soft_time_limit=240, **COMMON)
def compile_national_snapshot(year: int, job_id: str | None = None) -> int:
    """Compile the national snapshot of `year`; closes the year job of a fan-out."""
    try:
        snapshot = store.national_snapshot_compile(year=year)
    except TRANSIENT:
        raise
    except Exception as exc:
        jobs.compile_job_mark(job_id=job_id, state=JobState.FAILED, error=repr(exc))
        raise
    jobs.compile_job_mark(job_id=job_id, state=JobState.DONE)
    return snapshot.pk


@shared_task(name="reports.compile_year", time_limit=120, soft_time_limit=100, **COMMON)
def compile_year(year: int, job_id: str | None = None) -> None:
    """Fan out one compile per provincial unit, then the national snapshot once all are done."""
    jobs.compile_job_mark(job_id=job_id, state=JobState.RUNNING)
    units = list(provincial_units().values_list("code", flat=True))
    callback = compile_national_snapshot.si(year, job_id).on_error(compile_job_failed.s(job_id))
    chord(group(compile_annual_report.si(code, year) for code in units))(callback)


@shared_task(name="reports.compile_job_failed")
def compile_job_failed(request, exc, traceback, job_id: str | None = None) -> None:
    """Errback of a year fan-out: a unit that failed for good marks the job failed (not running forever)."""
    jobs.compile_job_mark(job_id=job_id, state=JobState.FAILED, error=repr(exc))


@shared_task(name="reports.render_annual_report_pdf", time_limit=180, soft_time_limit=150, **COMMON)
def render_annual_report_pdf(report_id: int) -> None:
    """Render the PDF of one report in the worker (skipped when the stored one is current)."""
    services.annual_report_render_pdf(report_id=report_id)


@shared_task(name="reports.render_national_pdf", time_limit=180, soft_time_limit=150, **COMMON)
def render_national_pdf(year: int) -> None:
    """Render the national progress PDF of `year` in the worker."""
    services.national_render_pdf(year=year)


# --- Periodic (django-celery-beat rows, created by migration 0002) -------------


@shared_task(name="reports.scheduled_compile", time_limit=120, soft_time_limit=100, **COMMON)
def scheduled_compile() -> None:
    """1 November and daily through November: compile every unit's draft and the snapshot."""
    compile_year.delay(campaign.today().year)


@shared_task(name="reports.scheduled_remind", time_limit=300, soft_time_limit=240, **COMMON)
def scheduled_remind() -> int:
    """16, 23 and 29 November: remind the provinces that have not submitted (once a day at most)."""
    today = campaign.today()
    return services.annual_reports_remind(year=today.year, today=today)


@shared_task(name="reports.scheduled_mark_late", time_limit=300, soft_time_limit=240, **COMMON)
def scheduled_mark_late() -> int:
    """1 December: flag late the reports of the year just ended still unsubmitted."""
    today = campaign.today()
    year = today.year if today.month == 12 else today.year - 1
    return services.annual_reports_mark_late(year=year, today=today)


@shared_task(name="reports.requeue_pending_jobs", time_limit=120, soft_time_limit=100)
def requeue_pending_jobs() -> int:
    """Every 5 minutes: send the compile jobs requested while Redis was unreachable."""
    return jobs.compile_jobs_requeue()


@shared_task(name="reports.heal_figures", time_limit=600, soft_time_limit=540, **COMMON)
def heal_figures() -> int:
    """Every 5 minutes: recompute the live figures of each unit-year whose inputs no longer match
    the fingerprint they were computed from (whatever wrote them: a missed refresh, a bulk load, a
    restore, SQL by hand), and those never computed; logs each repair. Idempotent; usually finds
    nothing. Returns the unit-years repaired."""
    return len(store.figures_heal())


@shared_task(name="reports.refresh_stale_figures", time_limit=600, soft_time_limit=540, **COMMON)
def refresh_stale_figures() -> int:
    """The former name of `heal_figures` (messages queued before the migration): the same work."""
    return len(store.figures_heal())
