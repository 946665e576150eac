"""Celery tasks of the residents' voice: thin wrappers around services, idempotent."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="residents.posters_render",
    time_limit=600,
    soft_time_limit=540,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=5,
    max_retries=3,
)
def posters_render(job_id: int, base_url: str) -> int | None:
    """Render a poster job's PDF (progress saved as it goes). Idempotent: a done job is left alone."""
    job = services.poster_job_run(job_id=job_id, base_url=base_url)
    return job.pk if job else None
