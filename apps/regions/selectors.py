"""Reads of the region tree shared by pages, the API and reports."""

from django.db.models import QuerySet

from .models import Region, RegionLevel


def provincial_units() -> QuerySet[Region]:
    """The 32 provincial-level units (31 provinces plus the Xinjiang Production and Construction Corps)."""
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")


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
