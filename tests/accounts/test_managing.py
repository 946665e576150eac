"""Who manages which account: the level above, in its scope (404 outside, 403 at or above)."""

import pytest

from apps.accounts.managing import account_manage_check
from apps.accounts.models import Role
from apps.accounts.selectors import accounts_manageable_by
from apps.core.errors import ForbiddenError, NotFoundError
from tests.factories import CommunityFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    """Accounts of every level in 上海 (徐汇区 天平路街道 and 长宁区), 杭州 (a city with counties) and
    北京."""
    tianping = CommunityFactory(street=region("310104003"))
    hunan = CommunityFactory(street=region("310104004"))
    changning = CommunityFactory(street=region("310105001"))
    beijing = CommunityFactory(street=region("110101001"))
    mishixiang = CommunityFactory(street=region("330105001"))
    shangcheng = CommunityFactory(street=region("330102001"))
    u = {
        "tianping-committee": UserFactory(username="c-tianping", role=Role.COMMUNITY, community=tianping),
        "hunan-committee": UserFactory(username="c-hunan", role=Role.COMMUNITY, community=hunan),
        "changning-committee": UserFactory(username="c-changning", role=Role.COMMUNITY, community=changning),
        "beijing-committee": UserFactory(username="c-beijing", role=Role.COMMUNITY, community=beijing),
        "tianping": UserFactory(username="s-tianping", role=Role.STREET, region=region("310104003")),
        "hunan": UserFactory(username="s-hunan", role=Role.STREET, region=region("310104004")),
        "xuhui": UserFactory(username="k-xuhui", role=Role.CITY, region=region("310104")),
        "changning": UserFactory(username="k-changning", role=Role.CITY, region=region("310105")),
        "mishixiang-committee": UserFactory(
            username="c-mishixiang", role=Role.COMMUNITY, community=mishixiang
        ),
        "shangcheng-committee": UserFactory(
            username="c-shangcheng", role=Role.COMMUNITY, community=shangcheng
        ),
        "mishixiang": UserFactory(username="s-mishixiang", role=Role.STREET, region=region("330105001")),
        "gongshu": UserFactory(username="k-gongshu", role=Role.CITY, region=region("330105")),
        "hangzhou": UserFactory(username="city-hangzhou", role=Role.CITY, region=region("3301")),
        "zhejiang": UserFactory(username="p-zhejiang", role=Role.PROVINCE, region=region("33")),
        "shanghai": UserFactory(username="p-shanghai", role=Role.PROVINCE, region=region("31")),
        "shanghai-2": UserFactory(username="p-shanghai-2", role=Role.PROVINCE, region=region("31")),
        "beijing": UserFactory(username="p-beijing", role=Role.PROVINCE, region=region("11")),
        "dongcheng": UserFactory(username="k-dongcheng", role=Role.CITY, region=region("110101")),
        "ministry": UserFactory(username="ministry", role=Role.MINISTRY),
        "admin": UserFactory(username="admin", role=Role.ADMIN, is_superuser=True, is_staff=True),
    }
    return u


def names(actor, people):
    by_pk = {v.pk: k for k, v in people.items()}
    return {by_pk[pk] for pk in accounts_manageable_by(actor).values_list("pk", flat=True)}


def outcome(actor, target):
    try:
        account_manage_check(actor, target)
    except NotFoundError:
        return 404
    except ForbiddenError:
        return 403
    return 200


def test_province_manages_every_account_of_its_province_below_it(people):
    assert names(people["shanghai"], people) == {
        "tianping-committee", "hunan-committee", "changning-committee", "tianping", "hunan", "xuhui",
        "changning",
    }  # fmt: skip
    p = people["shanghai"]
    assert outcome(p, people["xuhui"]) == 200
    assert outcome(p, people["shanghai-2"]) == 403  # same level
    assert outcome(p, p) == 403
    assert outcome(p, people["ministry"]) == 403  # above
    assert outcome(p, people["beijing-committee"]) == 404
    assert outcome(p, people["dongcheng"]) == 404
    assert outcome(p, people["beijing"]) == 404


def test_city_manages_communities_counties_and_streets_in_its_scope(people):
    city = people["hangzhou"]
    assert names(city, people) == {"mishixiang-committee", "shangcheng-committee", "mishixiang", "gongshu"}
    assert outcome(city, people["gongshu"]) == 200
    assert outcome(city, people["mishixiang"]) == 200
    assert outcome(city, people["shangcheng-committee"]) == 200
    assert outcome(city, people["zhejiang"]) == 403
    assert outcome(city, people["xuhui"]) == 404
    assert outcome(city, people["beijing-committee"]) == 404
    assert outcome(people["gongshu"], people["hangzhou"]) == 403
    assert outcome(people["gongshu"], people["shangcheng-committee"]) == 404


def test_county_manages_only_the_communities_in_its_scope(people):
    county = people["xuhui"]
    assert names(county, people) == {"tianping-committee", "hunan-committee"}
    assert outcome(county, people["tianping-committee"]) == 200
    assert outcome(county, people["tianping"]) == 403  # a street of its county: not its to manage
    assert outcome(county, people["shanghai"]) == 403
    assert outcome(county, people["changning-committee"]) == 404  # another county
    assert outcome(county, people["changning"]) == 404  # a peer elsewhere
    assert outcome(county, people["beijing-committee"]) == 404


def test_street_manages_the_communities_of_its_street(people):
    street = people["tianping"]
    assert names(street, people) == {"tianping-committee"}
    assert outcome(street, people["tianping-committee"]) == 200
    assert outcome(street, people["hunan-committee"]) == 404
    assert outcome(street, people["xuhui"]) == 403
    assert outcome(street, people["hunan"]) == 404


def test_committee_manages_nobody(people):
    committee = people["tianping-committee"]
    assert names(committee, people) == set()
    assert outcome(committee, people["hunan-committee"]) == 403
    assert outcome(committee, committee) == 403


def test_nationwide_roles_manage_below_them(people):
    assert names(people["ministry"], people) == set(people) - {"ministry", "admin"}
    assert outcome(people["ministry"], people["beijing"]) == 200
    assert outcome(people["ministry"], people["admin"]) == 403
    assert names(people["admin"], people) == set(people) - {"admin"}
    assert outcome(people["admin"], people["ministry"]) == 200


def test_an_inactive_manager_manages_nobody(people):
    p = people["shanghai"]
    p.is_active = False
    p.save()
    assert names(p, people) == set()
