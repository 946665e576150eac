"""Small reads that every view of a page repeats, kept in the shared cache under a version of their
own that every write to what they read drops (issue 29: the national dashboard's co-signatures,
targets, report status and trend, the menu's unread notices).

A version is a random token in the cache under `versioned:<name>`. A cached value is stored with
the token it was read under, and served only while that token is still the version: a write drops
the version (`drop`) immediately and again after commit, so a value read before the write
committed is never served afterwards, and the next view reads afresh. One cache round trip per
read when nothing changed (the version and the value in one `get_many`).

Only a cache that every web process shares (Redis, `CACHE_URL`: docs/scaling.md) can be dropped for
all of them at once: with the per-process memory cache another process would go on serving its own
copy, so every read goes to the database, as before (`VERSIONED_READS_IN_LOCAL_CACHE`: for a single
process, the tests). Inside a transaction of its own (not a test's) a read always goes to the
database and stores nothing: it may see that transaction's uncommitted writes, which a rollback
would leave in the cache under a version nobody drops.
"""

import hashlib
import uuid
from collections.abc import Callable, Iterable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction

T = TypeVar("T")

TTL_S = 24 * 3600
# A version no write dropped for a week goes too (one per user for the notices): its values are
# read afresh under a new one, never served stale.
VERSION_TTL_S = 7 * 24 * 3600
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def shared_cache() -> bool:
    """Is the default cache shared by every web process (so that a drop reaches all of them)?"""
    backend = settings.CACHES["default"]["BACKEND"]
    return backend not in PER_PROCESS_CACHES or getattr(settings, "VERSIONED_READS_IN_LOCAL_CACHE", False)


def _version_key(name: str) -> str:
    return f"versioned:{name}"


def drop(*names: str) -> None:
    """Every value cached under these versions is stale: now (reads later in this transaction) and
    again after commit (a view that read the rows before the write committed stored its value under
    the version of then). Call it from every write to what the versions' reads read."""
    keys = [_version_key(n) for n in names]
    if not keys:
        return
    cache.delete_many(keys)
    transaction.on_commit(lambda: cache.delete_many(keys))


def drop_on_signal(name: str) -> Callable[..., None]:
    """A receiver for post_save / post_delete that drops the version `name`."""

    def receiver(**_signal) -> None:
        drop(name)

    return receiver


def _in_own_transaction() -> bool:
    return any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks)


def cached(name: str, key: str, read: Callable[[], T], *, ttl: int = TTL_S) -> T:
    """`read()`, from the cache while the version `name` has not been dropped since it was stored
    under `key` (a key of its own for each distinct read under the same version)."""
    if not shared_cache() or _in_own_transaction():
        return read()
    version_key, value_key = _version_key(name), f"versioned:{name}:{key}"
    got = cache.get_many([version_key, value_key])
    version = got.get(version_key)
    if version is None:
        cache.add(version_key, uuid.uuid4().hex, VERSION_TTL_S)
        version = cache.get(version_key)
        if version is None:
            return read()
    else:
        stored = got.get(value_key)
        if stored is not None and stored[0] == version:
            return stored[1]
    value = read()
    cache.set(value_key, (version, value), ttl)
    return value


def key_of(values: Iterable) -> str:
    """A short cache key for a set of values (e.g. the report ids of a table)."""
    text = ",".join(str(v) for v in sorted(values))
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
