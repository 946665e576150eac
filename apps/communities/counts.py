"""The count of the unfiltered national community list, kept in the cache between views.

Counting the nation's registry (126,800 communities) was the largest read of the ministry's list
page (issue 29). The count is cached under the registry's version: a random token in the cache
that every write to the registry drops (the model's save and delete through signals, an import's
SQL through `registry_changed`), immediately and again after commit, so the next view counts
afresh and a change shows at once; and under today's date, since "existing today" moves with it.

Only a cache that every web process shares (Redis, `CACHE_URL`: docs/scaling.md) can be dropped
for all of them at once: with the per-process memory cache (no `CACHE_URL`) another process would
go on showing its own count, so the list counts every time, as before (`COUNT_IN_LOCAL_CACHE`:
for a single process, the tests).
"""

import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from apps.core import campaign

VERSION_KEY = "communities:registry-version"
COUNT_TTL_S = 24 * 3600


def registry_version() -> str:
    """The registry's current version (a new one after every change)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY) or ""
    return version


def registry_changed(**_signal) -> None:
    """Drop the registry's version now and after commit: a view that counted the rows before the
    change committed stored its count under a version that no longer exists."""
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def _shared_cache() -> bool:
    backend = settings.CACHES["default"]["BACKEND"]
    return backend not in PER_PROCESS_CACHES or getattr(settings, "COUNT_IN_LOCAL_CACHE", False)


def national_list_count(queryset: QuerySet, *, status: str) -> int:
    """The count of `queryset`, the whole nation's list in registry status `status` ("" existing
    today, "retired", "all"), from the cache when the registry has not changed since."""
    if not _shared_cache():
        return queryset.count()
    version = registry_version()
    if not version:
        return queryset.count()
    key = f"communities:national-count:{version}:{campaign.today().isoformat()}:{status}"
    count = cache.get(key)
    if count is None:
        count = queryset.count()
        cache.set(key, count, COUNT_TTL_S)
    return count
