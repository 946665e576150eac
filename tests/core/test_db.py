"""apps.core.db: PostgreSQL's JIT off for a block of queries, and back on after it."""

import pytest
from django.db import connection, transaction

from apps.core.db import jit_off

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's"),
]


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_off_inside_and_as_before_after():
    before = _jit()
    with jit_off():
        assert _jit() == "off"
    assert _jit() == before


def test_inside_a_transaction_off_until_it_ends():
    before = _jit()
    with transaction.atomic():
        with jit_off():
            assert _jit() == "off"
        assert _jit() == "off"
    assert _jit() == before


def test_back_after_an_error():
    before = _jit()
    with pytest.raises(ZeroDivisionError), jit_off():
        1 / 0  # noqa: B018
    assert _jit() == before
