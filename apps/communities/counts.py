"""The count of the unfiltered national community list, kept in the cache between views.

Counting the nation's registry (126,800 communities) was the largest read of the ministry's list
page (issue 29). The count is cached under the registry's version: a random token in the cache
that every write to the registry drops (the model's save and delete through signals, an import's
SQL through `registry_changed`), immediately and again after commit, so the next view counts
afresh and a change shows at once; and under today's date, since "existing today" moves with it.

Only a cache that every web process shares (Redis, `CACHE_URL`: docs/scaling.md) can be dropped
for all of them at once: with the per-process memory cache (no `CACHE_URL`) another process would
go on showing its own count, so the list counts every time, as before. The bookkeeping is
`apps.core.versioned`'s, as for the dashboard's reads.
"""

from django.db.models import QuerySet

from apps.core import campaign, versioned

# The version of the registry's cached reads (apps.core.versioned).
REGISTRY_VERSION = "registry"


def registry_changed(**_signal) -> None:
    """Drop the registry's version now and after commit: a view that counted the rows before the
    change committed stored its count under a version that no longer exists."""
    versioned.drop(REGISTRY_VERSION)


def national_list_count(queryset: QuerySet, *, status: str) -> int:
    """The count of `queryset`, the whole nation's list in registry status `status` ("" existing
    today, "retired", "all"), from the cache when the registry has not changed since."""
    return versioned.cached(
        REGISTRY_VERSION, f"national-count:{campaign.today().isoformat()}:{status}", queryset.count
    )
