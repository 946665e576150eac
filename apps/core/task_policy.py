"""How the apps' scheduled maintenance tasks run: the Celery options they share."""

from django.db import InterfaceError, OperationalError

# A daily task from beat: five minutes at most, acknowledged once done (a worker lost half-way
# leaves it to another), retried with backoff when the database or broker connection drops. The
# tasks themselves are idempotent, so a retry or a second run changes nothing.
DAILY_MAINTENANCE = {
    "time_limit": 300,
    "soft_time_limit": 240,
    "acks_late": True,
    "autoretry_for": (OperationalError, InterfaceError, ConnectionError),
    "retry_backoff": 5,
    "max_retries": 5,
}
