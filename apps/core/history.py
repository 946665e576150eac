"""Append-only, hash-chained history shared by the apps (accounts, registry).

`TraceEvent` rows are written only through `trace_append`, which links each entry to the previous
entry of the same chain (`kind`): `prev_hash` is the previous row's `hash`, and `hash` is SHA-256
over the row's own content and `prev_hash`. A row changed, deleted or inserted behind the
application's back breaks the chain, which `manage.py verify_history` reports.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import connection, models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("history is append-only")

    def delete(self):
        raise PermissionDenied("history is append-only")


class AppendOnlyMixin:
    """For every history model: a row is inserted once and never changed or deleted through the
    application, and `compute_hash()` is the SHA-256 of `hash_values()` (its content, prev_hash
    first). Pair it with `objects = AppendOnlyQuerySet.as_manager()`."""

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("history is append-only")

    # How verify_history walks the model's chains: `chain_key` names the field that separates one
    # chain from another, `chain_order` the order entries were appended in, and `chain_label` how
    # the summary calls one chain ("assessment", "report"); for one chain per value of a kind
    # field (TraceEvent), `chain_label` is None and the key's value is the label.
    chain_key = ""
    chain_order: tuple[str, ...] = ()
    chain_label: str | None = None
    chain_entry = "entry"

    def hash_values(self) -> list:
        raise NotImplementedError

    def compute_hash(self) -> str:
        return chain_hash(self.hash_values())


def chain_hash(values: list) -> str:
    """SHA-256 over a JSON list of a row's content (prev_hash first)."""
    payload = json.dumps(values, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def chain_problems(rows, label: str = "entry") -> list[str]:
    """Problems in one chain (rows in chain order, each with prev_hash, hash, compute_hash())."""
    problems = []
    previous = ""
    for row in rows:
        if row.prev_hash != previous:
            problems.append(f"{label} {row.pk}: prev_hash does not link to the previous entry")
        if row.compute_hash() != row.hash:
            problems.append(f"{label} {row.pk}: content does not match its hash (changed)")
        previous = row.hash
    return problems


def lock_chain(name: str) -> None:
    """Serialize appends to one chain until the end of the transaction (PostgreSQL advisory lock;
    SQLite serializes writers anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"history:{name}"])
