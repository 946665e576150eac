import pytest
from django.db.models import Count

from apps.accounts.models import Role
from apps.accounts.scoping import region_scope_q
from apps.communities.models import Community
from apps.regions.models import Region
from apps.regions.selectors import provincial_units
from tests.factories import CommunityFactory, UserFactory, region

PLACEHOLDER_NAMES = ["市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"]


def test_there_are_32_provincial_level_units_including_the_corps(db):
    units = provincial_units()
    assert units.count() == 32
    assert units.filter(name="新疆生产建设兵团").exists()
    assert units.filter(name="上海市").exists()


def test_no_placeholder_city_anywhere(db):
    assert not Region.objects.filter(name__in=PLACEHOLDER_NAMES).exists()
    # Counties of the placeholders hang directly under their province.
    huangpu = region("310101")
    assert huangpu.parent_id == region("31").pk
    assert huangpu.city_id is None
    jiyuan = region("419001")  # 济源市, 省直辖县级行政区划 of 河南
    assert jiyuan.parent_id == region("41").pk


def test_corps_and_xinjiang_are_disjoint(db):
    corps = Region.objects.get(name="新疆生产建设兵团")
    xinjiang = region("65")
    corps_counties = Region.objects.filter(province=corps, level="county")
    assert sorted(c.code[:6] for c in corps_counties) == [f"6590{n:02d}" for n in range(1, 13)]
    assert not Region.objects.filter(province=xinjiang, code__startswith="6590").exists()
    assert set(Region.objects.filter(province=corps).values_list("code", flat=True)).isdisjoint(
        Region.objects.filter(province=xinjiang).values_list("code", flat=True)
    )
    shihezi = CommunityFactory(
        street=Region.objects.filter(county__code="659001000000", level="street").first()
    )
    urumqi = CommunityFactory(
        street=Region.objects.filter(county__code="650102000000", level="street").first()
    )
    xj_user = UserFactory(username="xj", role=Role.PROVINCE, region=xinjiang)
    corps_user = UserFactory(username="corps", role=Role.PROVINCE, region=corps)
    assert list(Community.objects.filter(region_scope_q(xj_user))) == [urumqi]
    assert list(Community.objects.filter(region_scope_q(corps_user))) == [shihezi]


@pytest.mark.national_tree
def test_every_region_knows_its_province_and_statistical_zones_are_marked(db):
    assert not Region.objects.filter(province__isnull=True).exists()
    assert region("130171").is_statistical_zone  # 石家庄高新技术产业开发区
    assert not region("130102").is_statistical_zone
    counts = dict(Region.objects.values_list("level").annotate(n=Count("code")))
    assert counts == {"province": 32, "city": 333, "county": 2975, "street": 41351}


def test_a_city_without_counties_is_its_own_county(db):
    dongguan = region("4419")
    assert dongguan.level == "city" and dongguan.county_id == dongguan.pk
    street = Region.objects.filter(level="street", county=dongguan).first()
    assert street.city_id == dongguan.pk
