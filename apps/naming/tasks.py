"""Celery tasks of the naming: thin wrappers around the naming services, idempotent."""

from apps.core.jobs import durable_task

from . import objections


@durable_task("naming.erase_objection_contacts")
def erase_objection_contacts() -> int:
    """Erase the objectors' names and phones settings.OBJECTION_CONTACT_DAYS after their batch was
    named (daily, from beat). Idempotent: erased rows are not touched again."""
    return objections.objection_contacts_erase()
