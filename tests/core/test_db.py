"""apps.core.db: PostgreSQL's JIT off for a block of queries, and back when its transaction ends
(outside any transaction: tests/reports/test_figures_jit.py, which needs a transactional database)."""

import pytest
from django.db import connection, transaction

from apps.core.db import jit_off

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's"),
]


def jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_inside_a_transaction_off_until_it_ends():
    before = jit()
    with transaction.atomic():
        with jit_off():
            assert jit() == "off"
        assert jit() == "off"  # SET LOCAL: the caller's transaction is not over yet
        transaction.set_rollback(True)
    assert jit() == before


def test_an_error_inside_leaves_nothing_behind():
    before = jit()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), jit_off():
        1 / 0  # noqa: B018
    assert jit() == before
