"""Append-only, hash-chained history shared by the apps (accounts, registry).

`TraceEvent` rows are written only through `trace_append`, which links each entry to the previous
entry of the same chain (`kind`): `prev_hash` is the previous row's `hash`, and `hash` is SHA-256
over the row's own content and `prev_hash`. A row changed, deleted or inserted behind the
application's back breaks the chain, which `manage.py verify_history` reports.
"""

import hashlib
import json

from django.core.exceptions import PermissionDenied
from django.db import connection, models, transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber


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
    lock_chains([name])


def lock_chains(names) -> None:
    """`lock_chain` of several chains in one query, always in the same order (no deadlock between
    two writers that lock overlapping sets)."""
    names = sorted({f"history:{name}" for name in names})
    if names and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(name)) FROM unnest(%s::text[]) AS name ORDER BY name",
                [names],
            )


# --- The one append path -----------------------------------------------------------------------
# Every hash-chained history (accounts and registry, assessments, annual reports) appends through
# `chain_append`, with one locking rule: the chain's advisory lock, taken inside the caller's
# transaction, then the previous entry's hash in the model's chain order, then the insert.


def _chain_name(model, key) -> str:
    return f"{model._meta.label}:{key}"


def _latest_first(model) -> list[str]:
    return [f"-{field}" for field in model.chain_order if field != model.chain_key]


def chain_append(model, **fields):
    """Append one entry to the chain of `model` that `fields[model.chain_key]` names, linked to the
    previous entry of that chain, in the caller's transaction. Entries of one chain are appended
    one at a time, so the chain is linear in its chain order."""
    key = fields[model.chain_key]
    with transaction.atomic():
        lock_chain(_chain_name(model, key))
        previous = (
            model.objects.filter(**{model.chain_key: key})
            .order_by(*_latest_first(model))
            .values_list("hash", flat=True)
            .first()
        )
        entry = model(prev_hash=previous or "", **fields)
        entry.hash = entry.compute_hash()
        entry.save()
    return entry


def chain_append_many(model, rows: list[dict]) -> list:
    """`chain_append` of one entry to each of many chains at once (a batch's naming, reports
    marked late): the chains locked in one query, their previous hashes read in one query, the
    entries inserted in bulk. One entry per chain."""
    if not rows:
        return []
    key_field = model.chain_key
    keys = [row[key_field] for row in rows]
    with transaction.atomic():
        lock_chains(_chain_name(model, key) for key in keys)
        latest = (
            model.objects.filter(**{f"{key_field}__in": keys})
            .annotate(
                position=Window(RowNumber(), partition_by=[F(key_field)], order_by=_latest_first(model))
            )
            .filter(position=1)
            .values_list(key_field, "hash")
        )
        previous = dict(latest)
        entries = []
        for row in rows:
            entry = model(prev_hash=previous.get(row[key_field]) or "", **row)
            entry.hash = entry.compute_hash()
            entries.append(entry)
        return model.objects.bulk_create(entries, batch_size=1000)
