"""Celery tasks of the departments: thin, idempotent wrappers around services (beat: daily)."""

from celery import shared_task

from apps.core.task_policy import DAILY_MAINTENANCE

from . import consulting


@shared_task(name="departments.consultation_deadlines", **DAILY_MAINTENANCE)
def consultation_deadlines() -> dict:
    """Record the silence of every department whose deadline passed (once), and remind those whose
    deadline is near (once)."""
    return {"lapsed": consulting.consultations_lapse(), "reminded": consulting.consultations_remind()}
