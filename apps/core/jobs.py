"""The one shape of the portal's scheduled and background Celery tasks (thin wrappers around
services, idempotent): acknowledged only after they ran, retried with backoff while the database
or the broker is briefly out of reach, stopped softly a minute before their hard time limit."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

RETRIED_ON = (OperationalError, InterfaceError, ConnectionError)


def durable_task(name: str, *, time_limit: int = 300, max_retries: int = 5):
    """The decorator of such a task, registered under `name`."""
    return shared_task(
        name=name,
        time_limit=time_limit,
        soft_time_limit=time_limit - 60,
        acks_late=True,
        autoretry_for=RETRIED_ON,
        retry_backoff=5,
        max_retries=max_retries,
    )
