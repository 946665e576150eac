import datetime as dt

import pytest

from apps.assessments.models import State
from apps.naming import selectors as naming_selectors
from apps.naming import services
from tests.factories import region
from tests.review.conftest import (  # noqa: F401
    assessment,
    beijing_province_user,
    make_assessments,
    recommended,
    submitted,
)

SHANGHAI = "310000000000"
TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def today(monkeypatch):
    """The naming's calendar, movable: `today.set(date)`."""

    class Clock:
        value = TODAY

        def set(self, value):
            self.value = value

    clock = Clock()
    monkeypatch.setattr(naming_selectors, "today", lambda: clock.value)
    return clock


@pytest.fixture
def procedure(province_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    return services.naming_procedure_set(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
    )


@pytest.fixture
def proposed_many(procedure):
    """Five proposed assessments of 徐汇区 (written directly, as the last level leaves them)."""
    rows = make_assessments(5, state=State.PROPOSED)
    for a in rows:
        a.review_chain = "county,province"
        a.save(update_fields=["review_chain"])
    return rows


@pytest.fixture
def batch(proposed_many, province_user, today):
    return services.batch_create(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        title="2026年第一批绿色社区拟认定名单",
        notice_start=TODAY,
        assessment_ids=[a.pk for a in proposed_many],
    )


@pytest.fixture
def published(batch, province_user, today):
    return services.batch_publish(user=province_user, batch=batch)


def shanghai():
    return region("31")
