"""Celery tasks of the departments: thin, idempotent wrappers around services (beat: daily)."""

from apps.core.jobs import durable_task

from . import consulting


@durable_task("departments.consultation_deadlines")
def consultation_deadlines() -> dict:
    """Record the silence of every department whose deadline passed (once), and remind those whose
    deadline is near (once)."""
    return {"lapsed": consulting.consultations_lapse(), "reminded": consulting.consultations_remind()}
