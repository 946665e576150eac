"""The region pickers' cached lists (apps.regions.selectors.picker_regions) and the scope kept on
them (apps.accounts.scoping.RegionTree.allows: the same regions as region_tree_q)."""

import pytest

from apps.accounts.models import Role
from apps.accounts.scoping import region_tree, region_tree_q
from apps.regions.models import Region
from apps.regions.selectors import picker_regions
from tests.factories import UserFactory, region

# (level, column, parent): a municipality, a province with cities and 东莞市 (a city that is its own
# county), their streets.
PICKERS = [
    ("city", "province_id", "310000000000"),
    ("city", "province_id", "440000000000"),
    ("county", "province_id", "310000000000"),
    ("county", "province_id", "440000000000"),
    ("county", "city_id", "440300000000"),
    ("county", "city_id", "441900000000"),
    ("county", "code", "310104000000"),
    ("street", "county_id", "310104000000"),
    ("street", "county_id", "441900000000"),
]


def test_counties_include_the_cities_that_are_their_own_county(db):
    counties = picker_regions(level="county", column="province_id", parent="440000000000")
    assert ("441900000000", "city") in {(r.code, r.level) for r in counties}
    assert [r.code for r in counties] == sorted(r.code for r in counties)
    streets = picker_regions(level="street", column="county_id", parent="441900000000")
    assert "441900003000" in {r.code for r in streets}
    assert picker_regions(level="city", column="province_id", parent="310000000000") == []


@pytest.mark.parametrize(
    "parent",
    ["", "xyz", "31", "3101040000001", "31010400000x", None, "３１０１０４００００００", "٣١٠١٠٤٠٠٠٠٠٠"],
)
def test_what_is_no_region_code_lists_nothing_without_a_read(
    db, django_assert_num_queries, shared_cache, parent
):
    with django_assert_num_queries(0):
        assert picker_regions(level="county", column="province_id", parent=parent) == []


def test_read_once_until_a_region_changes(db, django_assert_num_queries, shared_cache):
    with django_assert_num_queries(1):
        before = picker_regions(level="street", column="county_id", parent="310104000000")
    with django_assert_num_queries(0):
        assert picker_regions(level="street", column="county_id", parent="310104000000") == before
    street = region("310104003")
    street.name = "天平街道（新）"
    street.save()
    names = {
        r.code: r.name for r in picker_regions(level="street", column="county_id", parent="310104000000")
    }
    assert names["310104003000"] == "天平街道（新）"


def scoped_users(community):
    return [
        UserFactory(username="ministry", role=Role.MINISTRY),
        UserFactory(username="gd", role=Role.PROVINCE, region=region("44")),
        UserFactory(username="sz", role=Role.CITY, region=region("4403")),
        UserFactory(username="dg", role=Role.CITY, region=region("4419")),
        UserFactory(username="xuhui", role=Role.CITY, region=region("310104")),
        UserFactory(username="tianping", role=Role.STREET, region=region("310104003")),
        UserFactory(username="committee", role=Role.COMMUNITY, community=community),
        UserFactory(username="national-dept", role=Role.DEPARTMENT),
        UserFactory(username="sh-dept", role=Role.DEPARTMENT, region=region("31")),
        UserFactory(username="street-dept", role=Role.DEPARTMENT, region=region("310104003")),
        UserFactory(username="gone", role=Role.PROVINCE, region=region("31"), is_active=False),
    ]


def test_the_scope_kept_on_a_cached_list_is_region_tree_q(xuhui_community):
    for user in scoped_users(xuhui_community):
        tree = region_tree(user)
        for level, column, parent in PICKERS:
            rows = picker_regions(level=level, column=column, parent=parent)
            kept = [r.code for r in rows if tree.allows(r)]
            in_scope = Region.objects.filter(region_tree_q(user), code__in=[r.code for r in rows])
            assert kept == sorted(in_scope.values_list("code", flat=True)), (user.username, parent)
