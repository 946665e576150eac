import datetime as dt
import zoneinfo

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.accounts.models import Role
from apps.api.services import issue_token
from apps.reports.figures import store
from tests.factories import CommunityFactory, UserFactory, region
from tests.reports.conftest import make_assessment

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
YEAR = 2026
SHANGHAI, XUHUI, HUANGPU = "310000000000", "310104000000", "310101000000"


def at(y, m, d):
    return dt.datetime(y, m, d, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def users(db):
    return {
        "ministry": UserFactory(username="t-ministry", role=Role.MINISTRY),
        "shanghai": UserFactory(username="t-shanghai", role=Role.PROVINCE, region=region("31")),
        "xuhui": UserFactory(username="t-xuhui", role=Role.CITY, region=region("310104")),
        "huangpu": UserFactory(username="t-huangpu", role=Role.CITY, region=region("310101")),
        "beijing": UserFactory(username="t-beijing", role=Role.PROVINCE, region=region("11")),
        "jiangsu": UserFactory(username="t-jiangsu", role=Role.PROVINCE, region=region("32")),
        "nanjing": UserFactory(username="t-nanjing", role=Role.CITY, region=region("3201")),
    }


@pytest.fixture
def world(db):
    """Shanghai, campaign year 2026. 徐汇区: 5 communities, 1 approved in 2025 (meets), 1 approved in
    2026, 1 submitted, 1 draft, 1 nothing. 黄浦区: 4 communities, 3 approved 2026, 1 submitted.
    Figures stored as the services store them after a decision."""
    xuhui = [CommunityFactory(street=region("310104003"), code=f"31010400300{i}") for i in range(1, 6)]
    huangpu = [CommunityFactory(street=region("310101002"), code=f"31010100200{i}") for i in range(1, 5)]
    make_assessment(xuhui[0], 2025, "approved", first_submitted_at=at(2025, 5, 1), approved_at=at(2025, 6, 1))
    make_assessment(xuhui[1], YEAR, "approved", first_submitted_at=at(YEAR, 5, 1), approved_at=at(YEAR, 6, 1))
    make_assessment(
        xuhui[2], YEAR, "submitted", first_submitted_at=at(YEAR, 5, 1), submitted_at=at(YEAR, 5, 1)
    )
    make_assessment(xuhui[3], YEAR, "draft")
    for c in huangpu[:3]:
        make_assessment(c, YEAR, "approved", first_submitted_at=at(YEAR, 5, 1), approved_at=at(YEAR, 6, 1))
    make_assessment(
        huangpu[3], YEAR, "submitted", first_submitted_at=at(YEAR, 5, 1), submitted_at=at(YEAR, 5, 1)
    )
    store.unit_figures_refresh(province_id=SHANGHAI, years=[2025, YEAR])
    return {"xuhui": xuhui, "huangpu": huangpu}


@pytest.fixture
def api():
    def make(user=None):
        client = APIClient()
        if user is not None:
            _token, key = issue_token(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make
