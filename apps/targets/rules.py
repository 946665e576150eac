"""Who sets whose target: the level above the area (data of the region tree, no role strings
elsewhere). The ministry sets the provincial units'; a province its cities, and its counties where a
county has no city (a municipality's districts, counties directly under the province); a city its
counties. The area itself only reads its targets."""

from apps.accounts.capabilities import is_reviewer
from apps.accounts.models import Role
from apps.accounts.scoping import is_active_user, is_nationwide
from apps.regions.models import Region, RegionLevel

SETTING_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


def setter_of(area: Region) -> tuple[str, str | None] | None:
    """("ministry", None) or (the role, the region code) of whoever sets `area`'s targets."""
    if area.level == RegionLevel.PROVINCE:
        return (Role.MINISTRY, None)
    if area.level == RegionLevel.CITY:
        return (Role.PROVINCE, area.province_id)
    if area.level == RegionLevel.COUNTY:
        if area.city_id:
            return (Role.CITY, area.city_id)
        return (Role.PROVINCE, area.province_id)
    return None


def can_set_target(user, area: Region) -> bool:
    """May `user` set `area`'s targets (the level directly above it)?"""
    if not is_active_user(user):
        return False
    setter = setter_of(area)
    if setter is None:
        return False
    role, code = setter
    if role == Role.MINISTRY:
        return user.role == Role.MINISTRY
    return user.role == role and user.region_id == code


def sets_targets(user) -> bool:
    """Does the user set targets for some areas at all (the ministry, a province, a city)?"""
    if not is_active_user(user):
        return False
    if user.role == Role.MINISTRY:
        return True
    if user.role == Role.PROVINCE and user.region_id:
        return True
    return user.role == Role.CITY and user.region is not None and user.region.level == RegionLevel.CITY


def keeps_creation_list(user) -> bool:
    """A city or county department keeps the creation list of its area."""
    return is_active_user(user) and user.role == Role.CITY and user.region_id is not None


def child_areas(region: Region | None):
    """The areas whose targets the level `region` sets (None: the nation's provincial units)."""
    if region is None:
        return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
    if region.level == RegionLevel.PROVINCE:
        cities = Region.objects.filter(level=RegionLevel.CITY, province_id=region.code)
        direct = Region.objects.filter(level=RegionLevel.COUNTY, province_id=region.code, city__isnull=True)
        return (cities | direct).order_by("code")
    if region.level == RegionLevel.CITY:
        return Region.objects.filter(level=RegionLevel.COUNTY, city_id=region.code).order_by("code")
    return Region.objects.none()


def setter_region(user) -> Region | None:
    """The region whose children the user sets targets for (None: the nation, for the ministry)."""
    if user.role == Role.MINISTRY:
        return None
    return user.region


def can_read_targets(user) -> bool:
    """Targets pages: the regional departments (their own area, above and below) and nationwide users."""
    return is_reviewer(user) or is_nationwide(user)
