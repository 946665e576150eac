"""Measure (not part of the suite): naming a batch of 1,603 communities (Shandong's first batch) in
one step, and the figures after it. Run explicitly:
DATABASE_URL=postgres://... pytest tests/naming/measure_naming.py -s"""

import datetime as dt
import time

import pytest

from apps.assessments.models import State
from apps.naming import naming_act, services
from apps.reports.figures import live
from tests.naming.conftest import TODAY, make_assessments

pytestmark = pytest.mark.django_db


def test_measure_naming_1603(procedure, province_user, today, django_capture_on_commit_callbacks):
    rows = []
    from apps.regions.models import Region

    streets = [r.code[:9] for r in Region.objects.filter(parent_id="310104000000").order_by("code")[:7]]
    for street in streets:
        rows += make_assessments(229, state=State.PROPOSED, street_code=street, start=100)
    assert len(rows) == 1603
    batch = services.batch_create(
        user=province_user,
        province_id="310000000000",
        year=2026,
        title="第一批",
        notice_start=TODAY,
        assessment_ids=[a.pk for a in rows],
    )
    services.batch_publish(user=province_user, batch=batch)
    today.set(batch.notice_end + dt.timedelta(days=1))
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        naming_act.batch_name(
            user=province_user, batch=batch, document_number="鲁建〔2021〕1号", document_date=today.value
        )
    named = time.perf_counter() - started
    started = time.perf_counter()
    for callback in callbacks:
        callback()
    after_commit = time.perf_counter() - started
    started = time.perf_counter()
    figures = live.unit_figures_live(year=2026, province_code="310000000000")
    read = time.perf_counter() - started
    print(
        f"\nnaming 1603: {named:.2f} s; after-commit work (figures refresh, notices): {after_commit:.2f} s; figures read {read:.3f} s; meeting {figures['totals']['meeting']}"
    )
