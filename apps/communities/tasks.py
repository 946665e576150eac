"""Celery tasks of the communities app: thin wrappers around services."""

from celery import shared_task

from . import registry_import


@shared_task(name="communities.finish_registry_indexes", acks_late=True, time_limit=600, soft_time_limit=540)
def finish_registry_indexes(definitions: list[str]) -> dict:
    """After a bulk registry import committed: its GIN indexes built concurrently, its foreign keys
    validated (registry_import.registry_indexes_finish)."""
    return registry_import.registry_indexes_finish(definitions=definitions)
