"""Celery tasks of the residents' voice: thin wrappers around services, idempotent."""

from apps.core.jobs import durable_task

from . import services


@durable_task("residents.posters_render", time_limit=600, max_retries=3)
def posters_render(job_id: int, base_url: str) -> int | None:
    """Render a poster job's PDF (progress saved as it goes). Idempotent: a done job is left alone."""
    job = services.poster_job_run(job_id=job_id, base_url=base_url)
    return job.pk if job else None
