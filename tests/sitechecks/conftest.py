import datetime as dt

import pytest

from apps.accounts.models import Role
from apps.assessments.models import State
from apps.naming import services as naming_services
from apps.sitechecks import services
from tests.factories import UserFactory, region
from tests.naming.conftest import today  # noqa: F401
from tests.review.conftest import beijing_province_user, make_assessments  # noqa: F401

SHANGHAI = "310000000000"
XUHUI = "310104000000"
HUANGPU = "310101000000"


@pytest.fixture
def procedure(province_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    return naming_services.naming_procedure_set(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
        steps=("site_checks",),
    )


@pytest.fixture
def proposed(procedure):
    """Twelve proposed assessments: 8 in 徐汇区, 4 in 黄浦区."""
    rows = make_assessments(8, state=State.PROPOSED) + make_assessments(
        4, state=State.PROPOSED, street_code="310101002", start=700
    )
    return rows


@pytest.fixture
def plan(proposed, province_user):
    return services.plan_set(
        user=province_user, province_id=SHANGHAI, year=2026, rule="percent", value=25, seed="s-2026"
    )


def make_expert(user, username, *, county=None):
    account, _code = services.expert_create(
        user=user, username=username, display_name=f"专家{username}", work_county=county or ""
    )
    account.set_password("pw-expert-2026")
    account.must_change_password = False
    account.save()
    return account


@pytest.fixture
def experts(province_user):
    return [make_expert(province_user, "exp-a", county="310101"), make_expert(province_user, "exp-b")]


@pytest.fixture
def drawn(plan, province_user):
    return services.sample_draw(user=province_user, plan=plan)


@pytest.fixture
def group(plan, experts, province_user):
    """exp-b leads; exp-a (works in 黄浦区) is a member."""
    return services.group_create(
        user=province_user,
        plan=plan,
        name="第一检查组",
        leader_id=experts[1].pk,
        member_ids=[e.pk for e in experts],
    )


@pytest.fixture
def solo_group(plan, experts, province_user):
    return services.group_create(
        user=province_user, plan=plan, name="第二检查组", leader_id=experts[1].pk, member_ids=[experts[1].pk]
    )


@pytest.fixture
def assignment(drawn, solo_group, province_user):
    sample = drawn.entries.filter(county_id=XUHUI).first()
    return services.assignment_create(user=province_user, sample=sample, group=solo_group)


@pytest.fixture
def other_expert(db):
    return UserFactory(username="lonely-expert", role=Role.EXPERT)


def shanghai():
    return region("31")


TODAY = dt.date(2026, 12, 1)
