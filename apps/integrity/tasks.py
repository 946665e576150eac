"""Celery tasks of the integrity app: thin wrappers around services, ids only, idempotent."""

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerError

from . import services

TRANSIENT = (OperationalError, InterfaceError, BrokerError, ConnectionError)


@shared_task(
    name="integrity.assessment_flags",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    time_limit=300,
    soft_time_limit=240,
)
def assessment_flags(assessment_id: int) -> dict:
    """Compare a submitted assessment's statements and photos with the nation and (re)write its
    flags and their mirrors (services.assessment_flags_compute). Idempotent; a draft or a deleted
    assessment is left alone."""
    return services.assessment_flags_compute(assessment_id=assessment_id)
