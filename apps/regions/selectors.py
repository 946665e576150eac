"""Reads of the region tree shared by pages, the API and reports."""

import re
from typing import NamedTuple

from django.db.models import F, Q, QuerySet

from apps.core import versioned
from apps.core.converters import CODE_REGEX

from .models import Region, RegionLevel

# The version of the region tree's cached reads (apps.core.versioned): every save or delete of a
# region drops it (apps.py), and so does `load_regions` (bulk writes). A user's region is read under it
# too (apps.core.fields.CachedForeignKey).
REGIONS_VERSION = Region.CACHE_VERSION


def provincial_units() -> QuerySet[Region]:
    """The 32 provincial-level units (31 provinces plus the Xinjiang Production and Construction Corps)."""
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")


def provincial_unit_names() -> list[tuple[str, str]]:
    """(code, name) of the 32 provincial-level units, by code: kept in the shared cache until a
    region changes (read on every view of the national dashboard)."""
    return versioned.cached(
        REGIONS_VERSION, "provincial-units", lambda: list(provincial_units().values_list("code", "name"))
    )


def region_full_name(code: str) -> str:
    """`Region.full_name` of the region `code` (its province, city and county, then its own name) in
    one read, kept in the shared cache until a region changes."""

    def read() -> str:
        row = (
            Region.objects.filter(pk=code)
            .values_list(
                "name", "province_id", "province__name", "city_id", "city__name", "county_id", "county__name"
            )
            .get()
        )
        name, above = row[0], zip(row[1::2], row[2::2], strict=True)
        return "".join([*(n for c, n in above if c is not None and c != code), name])

    return versioned.cached(REGIONS_VERSION, f"full-name:{code}", read)


class PickerRegion(NamedTuple):
    """One option of a region picker, with the columns that scope it (RegionTree.allows)."""

    code: str
    name: str
    level: str
    province_id: str | None
    city_id: str | None
    county_id: str | None


# What each picker below the provinces lists. Counties: the cities without counties (东莞市, 中山市,
# 儋州市) are their own county (their streets hang under the city).
PICKER_LEVELS: dict[str, Q] = {
    RegionLevel.CITY: Q(level=RegionLevel.CITY),
    RegionLevel.COUNTY: Q(level=RegionLevel.COUNTY) | Q(level=RegionLevel.CITY, county_id=F("code")),
    RegionLevel.STREET: Q(level=RegionLevel.STREET),
}
PARENT_COLUMNS = ("code", "province_id", "city_id", "county_id")
REGION_CODE = re.compile(CODE_REGEX)  # the URLs' rule: ASCII digits only (apps.core.converters)


def picker_regions(*, level: str, column: str, parent: str) -> list[PickerRegion]:
    """The regions of the `level` picker (city, county, street: PICKER_LEVELS) whose `column`
    (province_id, city_id, county_id; code for one region) is `parent`, by code: kept in the shared
    cache until a region changes (the filter forms read them on every view). Every region is there:
    callers keep the user's (apps.accounts.scoping.RegionTree.allows). What is not a region code
    (typed into a URL) lists nothing, without a read or a key of its own."""
    if column not in PARENT_COLUMNS:
        raise ValueError(f"no picker by {column}")
    if not isinstance(parent, str) or not REGION_CODE.fullmatch(parent):
        return []

    def read() -> list[PickerRegion]:
        rows = Region.objects.filter(PICKER_LEVELS[level], **{column: parent}).order_by("code")
        return [PickerRegion(*row) for row in rows.values_list(*PickerRegion._fields)]

    return versioned.cached(REGIONS_VERSION, f"picker:{level}:{column}={parent}", read)


def picker_choices(regions) -> list[tuple[str, str]]:
    """A picker's (code, name) options from its regions (`picker_regions`, kept to a scope)."""
    return [(r.code, r.name) for r in regions]


def region_children(*, user, parent: str) -> list[dict]:
    """The children of region `parent` that `user` may filter by (their scope: apps.accounts.scoping),
    as [{"code", "name", "level"}], by code. An empty `parent` is the top of the user's picker: the
    provincial units for nationwide users. A parent outside the scope raises Region.DoesNotExist."""
    from apps.accounts.scoping import is_nationwide, region_tree_q

    if not parent:
        if not is_nationwide(user):
            raise Region.DoesNotExist
        rows = provincial_units()
    else:
        visible = Region.objects.filter(region_tree_q(user))
        if not is_nationwide(user) and not (
            visible.filter(pk=parent).exists() or _is_ancestor_of_scope(user, parent)
        ):
            raise Region.DoesNotExist
        if not Region.objects.filter(pk=parent).exists():
            raise Region.DoesNotExist
        rows = visible.filter(parent_id=parent).order_by("code")
    return [{"code": c, "name": n, "level": lv} for c, n, lv in rows.values_list("code", "name", "level")]


def _is_ancestor_of_scope(user, code: str) -> bool:
    """A department's own province (or city) above its region: its children are filtered by scope."""
    region = getattr(user, "region", None)
    return region is not None and code in (region.province_id, region.city_id, region.county_id)
