"""The public batch page is cached whole (anonymous readers only) and invalidated on every change of
the batch: a key per batch carrying a generation number, bumped by the services after commit."""

from django.core.cache import cache


def _generation_key(batch_id: int) -> str:
    return f"naming:batch:{batch_id}:gen"


def page_key(batch_id: int, language: str) -> str:
    generation = cache.get(_generation_key(batch_id), 0)
    return f"naming:batch:{batch_id}:{generation}:{language}"


def invalidate(batch_id: int) -> None:
    try:
        cache.incr(_generation_key(batch_id))
    except ValueError:
        cache.set(_generation_key(batch_id), 1, None)
