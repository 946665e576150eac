"""Database helpers any app may use."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def jit_off() -> Iterator[None]:
    """PostgreSQL's JIT off for the queries run inside, with `SET LOCAL`: inside the caller's
    transaction it stays off until that one ends; outside any, the queries run in a transaction
    opened here, so the setting ends with them whatever happens. Nothing on SQLite.

    Why (issue 29): the planner's cost of a grouped count with correlated EXISTS filters (the
    naming stages of the area counts) charges every subquery for every row, although they run for
    a handful; at national scale that passes the JIT thresholds, and compiling took 0.75 s for a
    query that runs in 0.11 s."""
    if connection.vendor != "postgresql":
        yield
        return
    if connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
