"""The one place that turns a user into the set of rows they may see.

Two kinds of rows exist:

- rows that belong to a community (communities, assessments, responses, evidence): they scope
  through `region_scope_q(user, path)`, where `path` leads from the model to the province / city /
  county / street columns ("" for Community itself, "assessment__" for a response);
- rows that belong to a provincial unit (annual reports, compile jobs, review chains, local
  standards, account and registry history): they scope through `province_scope_q(user, path)`;
  standards add the national one and, for everyone else, their own province's published ones
  (`standard_scope_q`).

Regions themselves (for filters and pickers) scope through `region_tree_q`. Nothing scopes by code
prefix: the Corps shares Xinjiang's prefix 65. Another region's row is simply absent, so "not
yours" and "does not exist" are the same 404 everywhere.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import REGION_LEVELS_OF_ROLE, Role

NOTHING = Q(pk__in=[])

# The column of a community-owned row that a regional account's region is compared with, by the
# level of that region (a street office: its street; a city/county department: its city or county).
SCOPE_COLUMN = {"street": "street_id", "county": "county_id", "city": "city_id", "province": "province_id"}
REGIONAL_ROLES = tuple(REGION_LEVELS_OF_ROLE)


def is_active_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_nationwide(user) -> bool:
    """The ministry and administrators see the whole country."""
    return is_active_user(user) and (user.role in (Role.MINISTRY, Role.ADMIN) or user.is_superuser)


def regional_column(user) -> str | None:
    """The scope column of a street office, city/county or provincial department (None otherwise)."""
    if user.role not in REGIONAL_ROLES or user.region is None:
        return None
    if user.region.level not in REGION_LEVELS_OF_ROLE[user.role]:
        return None
    return SCOPE_COLUMN.get(user.region.level)


def prefecture_city_id(user) -> str | None:
    """The prefecture-level city of a city department (role city at a city, not a county), to which
    a province may delegate the naming (apps.naming); None for everyone else."""
    if not is_active_user(user) or user.role != Role.CITY or user.region is None:
        return None
    return user.region_id if user.region.level == "city" else None


def is_department(user) -> bool:
    """Another department's account (发改, 公安 …, apps.departments): reads its area, never decides."""
    return is_active_user(user) and user.role == Role.DEPARTMENT


def department_column(user) -> str | None:
    """The scope column of a department account: "" for a national department (the whole
    country, read-only), its region's column for a provincial, city or county one, None otherwise."""
    if not is_department(user):
        return None
    if user.region_id is None:
        return ""
    return SCOPE_COLUMN.get(user.region.level) if user.region.level != "street" else None


def department_type_id(user) -> int | None:
    """The department type of a department account (apps.departments.DepartmentProfile)."""
    if not is_department(user):
        return None
    profile = getattr(user, "department_profile", None)
    return profile.department_type_id if profile is not None else None


def criterion_scope_q(user, criterion_path: str = "criterion") -> Q:
    """Criteria whose answers and evidence the user may read: every criterion for everyone whose
    region scope allows the assessment, only the criteria its type checks for a department
    (apps.departments.OwnedCriterion; `criterion_path` leads to the criterion, e.g.
    "response__criterion")."""
    if not is_department(user):
        return Q()
    type_id = department_type_id(user)
    if not type_id:
        return NOTHING
    from django.apps import apps

    owned = apps.get_model("departments", "OwnedCriterion").objects.filter(department_type_id=type_id)
    return Q(**{f"{criterion_path}__in": owned.values("criterion_id")})


def department_province_q(user, path: str = "") -> Q:
    """Rows of a provincial unit that a department reads (reports it confirms, batches it is
    consulted on): a national department all, a provincial one its own unit; NOTHING otherwise
    (and for every other role: they read these rows through province_scope_q)."""
    column = department_column(user)
    if column == "":
        return Q()
    if column == "province_id":
        return Q(**{f"{path}province_id": user.region_id})
    return NOTHING


def region_scope_q(user, path: str = "", *, community_field: str | None = None) -> Q:
    """Community-owned rows in the user's scope. `path` prefixes the region columns; a community
    user matches on `community_field` (default: `<path>code`, the community's own key)."""
    community_field = community_field or f"{path}code"
    if not is_active_user(user):
        return NOTHING
    if is_nationwide(user):
        return Q()
    if user.role == Role.COMMUNITY:
        return Q(**{community_field: user.community_id}) if user.community_id else NOTHING
    column = regional_column(user) or department_column(user)
    if column == "":
        return Q()
    return Q(**{f"{path}{column}": user.region_id}) if column else NOTHING


@dataclass(frozen=True)
class RegionTree:
    """The regions a user may pick, as data (`region_tree`): every region (`column` None), or those
    whose `column` (code, province_id, city_id, county_id) is one of `codes` (none without codes).
    `q` filters the Region table by it, `allows` a region read earlier (a cached picker's row)."""

    column: str | None
    codes: tuple[str, ...] = ()

    def q(self, path: str = "") -> Q:
        if self.column is None:
            return Q()
        if not self.codes:
            return NOTHING
        if len(self.codes) == 1:
            return Q(**{f"{path}{self.column}": self.codes[0]})
        return Q(**{f"{path}{self.column}__in": list(self.codes)})

    def allows(self, region) -> bool:
        """Is this region (anything with its code, province_id, city_id and county_id) in the tree?"""
        return self.column is None or getattr(region, self.column) in self.codes


def region_tree(user) -> RegionTree:
    """Regions (cities, counties, streets) in the user's scope, for filters and pickers: a regional
    department's own region and everything below it; a committee's own street and its ancestors."""
    if not is_active_user(user):
        return RegionTree("code")
    if is_nationwide(user):
        return RegionTree(None)
    if user.role == Role.COMMUNITY:
        community = user.community
        if community is None:
            return RegionTree("code")
        return RegionTree(
            "code", (community.street_id, community.county_id, community.city_id or "", community.province_id)
        )
    column = regional_column(user) or department_column(user)
    if column == "":
        return RegionTree(None)
    if column is None:
        return RegionTree("code")
    if column == "street_id":
        return RegionTree("code", (user.region_id,))
    return RegionTree(column, (user.region_id,))


def region_tree_q(user, path: str = "") -> Q:
    """`region_tree` as a filter of regions (`path` leads to the region)."""
    return region_tree(user).q(path)


def province_scope_q(user, path: str = "") -> Q:
    """Rows owned by a provincial unit (reports, compile jobs, review chains, local standards,
    account and registry history): nationwide users see all, provincial staff their own unit."""
    if not is_active_user(user):
        return NOTHING
    if is_nationwide(user):
        return Q()
    if user.role == Role.PROVINCE and user.region_id:
        return Q(**{f"{path}province_id": user.region_id})
    return NOTHING


def home_province_id(user) -> str | None:
    """The provincial unit a committee or a regional account belongs to (None for nationwide
    users and accounts without a region)."""
    if not is_active_user(user):
        return None
    if user.role == Role.COMMUNITY:
        return user.community.province_id if user.community_id else None
    if (user.role in REGIONAL_ROLES or user.role == Role.DEPARTMENT) and user.region_id:
        return user.region.province_id
    return None


def standard_scope_q(user, path: str = "") -> Q:
    """Creation standards: the national standard (no province) for every signed-in user; local
    standards as rows of their provincial unit (province_scope_q: drafts included), and for every
    other user the published local standards of their own province, which their assessments are
    filled against."""
    if not is_active_user(user):
        return NOTHING
    national = Q(**{f"{path}province__isnull": True})
    if is_nationwide(user):
        return Q()
    if user.role == Role.PROVINCE and user.region_id:
        return national | province_scope_q(user, path)
    province_id = home_province_id(user)
    if province_id is None:
        return national
    return national | Q(**{f"{path}province_id": province_id, f"{path}state": "published"})


def in_region_scope(user, *, province_id, city_id, county_id, street_id, community_id=None) -> bool:
    """The same rule as region_scope_q for one row already in memory (services re-check the row
    they locked; no query)."""
    if not is_active_user(user):
        return False
    if is_nationwide(user):
        return True
    if user.role == Role.COMMUNITY:
        return community_id is not None and community_id == user.community_id
    column = regional_column(user)
    values = {"street_id": street_id, "county_id": county_id, "city_id": city_id, "province_id": province_id}
    return column is not None and values[column] == user.region_id
