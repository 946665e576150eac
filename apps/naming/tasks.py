"""Celery tasks of the naming: thin wrappers around the naming services, idempotent."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import objections


@shared_task(
    name="naming.erase_objection_contacts",
    time_limit=300,
    soft_time_limit=240,
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError, ConnectionError),
    retry_backoff=5,
    max_retries=5,
)
def erase_objection_contacts() -> int:
    """Erase the objectors' names and phones settings.OBJECTION_CONTACT_DAYS after their batch was
    named (daily, from beat). Idempotent: erased rows are not touched again."""
    return objections.objection_contacts_erase()
