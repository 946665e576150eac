"""Naming delegated to a city (issue 22, item 1): where a province's procedure has its cities name,
the department of a prefecture-level city sees the batches of its own city (pages and API) and
names them; it never sees another city's batch, a province that did not delegate, nor the
objectors' contacts; it may not publish nor resolve objections."""

import datetime as dt

import pytest
from django.urls import reverse

from apps.accounts.capabilities import can_read_naming
from apps.accounts.models import Role
from apps.assessments.models import State
from apps.naming import objections, services
from apps.naming.models import Batch
from apps.naming.procedure import BatchState
from apps.regions.models import Region
from tests.factories import UserFactory, region
from tests.review.conftest import make_assessments

pytestmark = pytest.mark.django_db

JIANGSU = "320000000000"
NANJING = "320100000000"
TODAY = dt.date(2026, 12, 1)


def _street_of(city: str) -> str:
    return (
        Region.objects.filter(level="street", city_id=city)
        .order_by("code")
        .values_list("code", flat=True)[0][:9]
    )


@pytest.fixture
def today(monkeypatch):
    from apps.naming import selectors

    class Clock:
        value = TODAY

    clock = Clock()
    monkeypatch.setattr(selectors, "today", lambda: clock.value)
    return clock


@pytest.fixture
def jiangsu_user(db):
    return UserFactory(username="jiangsu-dept", role=Role.PROVINCE, region=region("32"))


@pytest.fixture
def nanjing_user(db):
    return UserFactory(username="nanjing-dept", role=Role.CITY, region=region("3201"))


@pytest.fixture
def suzhou_user(db):
    return UserFactory(username="suzhou-dept", role=Role.CITY, region=region("3205"))


@pytest.fixture
def county_user(db):
    """A county-level department of Nanjing (玄武区): not a namer."""
    return UserFactory(username="xuanwu-dept", role=Role.CITY, region=region("320102"))


def _delegate(jiangsu_user, namer="city"):
    return services.naming_procedure_set(
        user=jiangsu_user, province_id=JIANGSU, year=2026, notice_days=7, day_kind="calendar", namer=namer
    )


def _batch(jiangsu_user, city: str, title: str, start: int) -> Batch:
    rows = make_assessments(3, state=State.PROPOSED, street_code=_street_of(city), start=start)
    batch = services.batch_create(
        user=jiangsu_user,
        province_id=JIANGSU,
        year=2026,
        title=title,
        notice_start=TODAY,
        assessment_ids=[a.pk for a in rows],
    )
    return services.batch_publish(user=jiangsu_user, batch=batch)


@pytest.fixture
def delegated(jiangsu_user, today, settings):
    settings.CAMPAIGN_YEAR = 2026
    _delegate(jiangsu_user)
    nanjing = _batch(jiangsu_user, NANJING, "南京市2026年第一批拟认定名单", 500)
    suzhou = _batch(jiangsu_user, "320500000000", "苏州市2026年第一批拟认定名单", 600)
    return nanjing, suzhou


def test_the_city_sees_and_names_its_delegated_batch_only(
    client_for, nanjing_user, suzhou_user, delegated, today
):
    nanjing, suzhou = delegated
    assert can_read_naming(nanjing_user)
    client = client_for(nanjing_user)
    html = client.get(reverse("naming:batches") + "?year=2026").content.decode()
    assert "南京市2026年第一批拟认定名单" in html and "苏州市" not in html
    assert 'data-testid="in-progress"' not in html  # nothing of other provinces
    assert client.get(reverse("naming:batch", args=[suzhou.pk])).status_code == 404
    page = client.get(reverse("naming:batch", args=[nanjing.pk])).content.decode()
    assert 'data-testid="objector"' not in page
    # The API lists the same single batch.
    listed = client.get("/api/v1/naming/batches/?year=2026").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [b["id"] for b in rows] == [nanjing.pk]
    assert client.get(f"/api/v1/naming/batches/{suzhou.pk}/").status_code == 404

    # After the notice the city names its batch through the page; Suzhou cannot name Nanjing's.
    today.value = nanjing.notice_end + dt.timedelta(days=1)
    page = client.get(reverse("naming:batch", args=[nanjing.pk])).content.decode()
    assert 'name="document_number"' in page
    data = {
        "document_number": "宁建〔2026〕9号",
        "document_date": today.value.isoformat(),
        "expected_version": nanjing.version,
    }
    other = client_for(suzhou_user).post(reverse("naming:batch-name", args=[nanjing.pk]), data)
    assert other.status_code == 404
    response = client_for(nanjing_user).post(reverse("naming:batch-name", args=[nanjing.pk]), data)
    assert response.status_code == 302
    nanjing.refresh_from_db()
    assert nanjing.state == BatchState.NAMED and nanjing.document_number == "宁建〔2026〕9号"
    suzhou.refresh_from_db()
    assert suzhou.state == BatchState.PUBLISHED


def test_the_city_may_not_publish_nor_resolve(client_for, nanjing_user, jiangsu_user, delegated):
    nanjing, _suzhou = delegated
    draft = services.batch_create(
        user=jiangsu_user,
        province_id=JIANGSU,
        year=2026,
        title="南京市2026年第二批拟认定名单",
        notice_start=TODAY,
        assessment_ids=[
            a.pk
            for a in make_assessments(1, state=State.PROPOSED, street_code=_street_of(NANJING), start=700)
        ],
    )
    client = client_for(nanjing_user)
    assert (
        client.post(
            reverse("naming:batch-publish", args=[draft.pk]), {"expected_version": draft.version}
        ).status_code
        == 403
    )
    draft.refresh_from_db()
    assert draft.state == BatchState.DRAFT
    objection = objections.objection_submit(
        batch=nanjing,
        assessment_id=nanjing.entries.first().assessment_id,
        text="异议",
        name="张三",
        phone="13812345678",
    )
    response = client.post(
        reverse("naming:objection-resolve", args=[objection.pk]),
        {"outcome": "dismissed", "reason": "不属实。"},
    )
    assert response.status_code in (403, 404)
    objection.refresh_from_db()
    assert objection.outcome == "open"
    assert client.get(reverse("naming:procedure")).status_code == 403
    assert client.get(reverse("naming:batch-new")).status_code == 403


def test_without_delegation_the_city_sees_nothing_and_a_county_never(
    client_for, nanjing_user, county_user, jiangsu_user, today, settings
):
    settings.CAMPAIGN_YEAR = 2026
    _delegate(jiangsu_user, namer="province")
    batch = _batch(jiangsu_user, NANJING, "南京市2026年第一批拟认定名单", 500)
    client = client_for(nanjing_user)
    assert "南京市2026年第一批" not in client.get(reverse("naming:batches") + "?year=2026").content.decode()
    assert client.get(reverse("naming:batch", args=[batch.pk])).status_code == 404
    assert not can_read_naming(county_user)
    assert client_for(county_user).get(reverse("naming:batches")).status_code == 403
    today.value = batch.notice_end + dt.timedelta(days=1)
    assert not services.selectors.may_name(user=nanjing_user, batch=batch)
