"""Celery tasks of the naming: thin wrappers around the naming services, idempotent."""

from celery import shared_task

from apps.core.task_policy import DAILY_MAINTENANCE

from . import objections


@shared_task(name="naming.erase_objection_contacts", **DAILY_MAINTENANCE)
def erase_objection_contacts() -> int:
    """Erase the objectors' names and phones settings.OBJECTION_CONTACT_DAYS after their batch was
    named (daily, from beat). Idempotent: erased rows are not touched again."""
    return objections.objection_contacts_erase()
