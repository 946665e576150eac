"""The figures are computed with PostgreSQL's JIT off (apps.core.db.jit_off: its estimate of the
area counts made it compile for 0.75 s a query that runs in 0.11 s), and a computation outside any
transaction leaves the connection's setting as it was."""

import pytest
from django.db import connection

from apps.reports.figures import compute

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="JIT is PostgreSQL's")


def jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_computed_without_jit_and_the_setting_restored(
    reference_data_restored, transactional_db, monkeypatch
):
    assert not connection.in_atomic_block
    before = jit()
    seen = []
    area_counts = compute.area_counts

    def spy(**kwargs):
        seen.append(jit())
        return area_counts(**kwargs)

    monkeypatch.setattr(compute, "area_counts", spy)
    compute.units_figures_compute(year=2025, province_codes=["310000000000"])
    assert seen == ["off"]
    assert jit() == before
