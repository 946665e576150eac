"""Celery tasks of the communities app: thin wrappers around services."""

from celery import shared_task

from . import services


@shared_task(name="communities.finish_registry_indexes", acks_late=True, time_limit=600, soft_time_limit=540)
def finish_registry_indexes(definitions: list[str]) -> dict:
    """After a bulk registry import committed: its GIN indexes built concurrently, its foreign keys
    validated (services.registry_indexes_finish)."""
    return services.registry_indexes_finish(definitions=definitions)
