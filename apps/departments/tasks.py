"""Celery tasks of the departments: thin, idempotent wrappers around services (beat: daily)."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import consulting


@shared_task(
    name="departments.consultation_deadlines",
    time_limit=300,
    soft_time_limit=240,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=5,
    max_retries=5,
)
def consultation_deadlines() -> dict:
    """Record the silence of every department whose deadline passed (once), and remind those whose
    deadline is near (once)."""
    return {"lapsed": consulting.consultations_lapse(), "reminded": consulting.consultations_remind()}
