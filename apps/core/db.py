"""Database helpers any app may use."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def jit_off() -> Iterator[None]:
    """PostgreSQL's JIT off for the queries run inside (`SET LOCAL`, in a transaction: the current
    one, else one opened here, so the setting ends with it whatever happens). The planner's cost of
    a grouped count with correlated EXISTS filters (the naming stages) counts every subquery for
    every row although they run for a handful: at national scale that passes the JIT thresholds
    and compiling took 0.75 s for a query that runs in 0.11 s (issue 29). Nothing on SQLite."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(savepoint=False):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
        yield
