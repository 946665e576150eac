"""Who manages which account: the level above, within its own scope.

Every account has a rank (a community committee lowest, then street offices, county departments
(role city with a county), city departments, provincial departments, the ministry, administrators)
and a place (the region or community it belongs to). A manager's own rank decides which ranks it
manages; its scope (`apps.accounts.scoping`) which places:

- a provincial department: every account of its province below it;
- a city department: the communities, counties and streets of its city;
- a county department and a street office: the communities in their scope;
- the ministry: every regional account and committee; administrators: everyone but administrators.

`account_manage_check` is the rule for one account: outside the scope 404 (it does not exist for the
caller), in scope at or above the caller's level 403. `accounts_manageable_by` (selectors) is the
same rule as a queryset.
"""

from django.db.models import Q
from django.utils.translation import gettext as _

from apps.core.errors import ForbiddenError, NotFoundError

from .models import Role
from .scoping import NOTHING, is_active_user, is_nationwide, regional_column

COMMUNITY, STREET, COUNTY, CITY, PROVINCE, MINISTRY, ADMIN = range(7)
# Other departments' accounts (apps.departments), managed by the housing department of the same
# level: beside the housing ranks, never managing anyone.
DEPT_COUNTY, DEPT_CITY, DEPT_PROVINCE, DEPT_NATIONAL = range(7, 11)
DEPARTMENT_RANKS = (DEPT_COUNTY, DEPT_CITY, DEPT_PROVINCE, DEPT_NATIONAL)

# The ranks each manager rank manages (the level above, never its own level).
MANAGES = {
    COMMUNITY: (),
    STREET: (COMMUNITY,),
    COUNTY: (COMMUNITY, DEPT_COUNTY),
    CITY: (COMMUNITY, STREET, COUNTY, DEPT_CITY),
    PROVINCE: (COMMUNITY, STREET, COUNTY, CITY, DEPT_PROVINCE),
    MINISTRY: (COMMUNITY, STREET, COUNTY, CITY, PROVINCE, DEPT_NATIONAL),
    ADMIN: (COMMUNITY, STREET, COUNTY, CITY, PROVINCE, MINISTRY, *DEPARTMENT_RANKS),
    **{rank: () for rank in DEPARTMENT_RANKS},
}

# The rank of an account as a filter on User (path: "" for User itself).
RANK_Q = {
    COMMUNITY: Q(role=Role.COMMUNITY, is_superuser=False),
    STREET: Q(role=Role.STREET, is_superuser=False),
    COUNTY: Q(role=Role.CITY, region__level="county", is_superuser=False),
    CITY: Q(role=Role.CITY, region__level="city", is_superuser=False),
    PROVINCE: Q(role=Role.PROVINCE, is_superuser=False),
    MINISTRY: Q(role=Role.MINISTRY, is_superuser=False),
    ADMIN: Q(role=Role.ADMIN) | Q(is_superuser=True),
    DEPT_COUNTY: Q(role=Role.DEPARTMENT, region__level="county", is_superuser=False),
    DEPT_CITY: Q(role=Role.DEPARTMENT, region__level="city", is_superuser=False),
    DEPT_PROVINCE: Q(role=Role.DEPARTMENT, region__level="province", is_superuser=False),
    DEPT_NATIONAL: Q(role=Role.DEPARTMENT, region__isnull=True, is_superuser=False),
}

DEPARTMENT_RANK_BY_LEVEL = {
    None: DEPT_NATIONAL,
    "province": DEPT_PROVINCE,
    "city": DEPT_CITY,
    "county": DEPT_COUNTY,
}


def account_rank(user) -> int:
    if user.is_superuser or user.role == Role.ADMIN:
        return ADMIN
    if user.role == Role.CITY:
        return COUNTY if user.region_id and user.region.level == "county" else CITY
    if user.role == Role.DEPARTMENT:
        return DEPARTMENT_RANK_BY_LEVEL.get(user.region.level if user.region_id else None, DEPT_COUNTY)
    return {
        Role.COMMUNITY: COMMUNITY,
        Role.STREET: STREET,
        Role.PROVINCE: PROVINCE,
        Role.MINISTRY: MINISTRY,
    }.get(user.role, COMMUNITY)


def managed_ranks(actor) -> tuple:
    if not is_active_user(actor):
        return ()
    if not is_nationwide(actor) and regional_column(actor) is None:
        return ()
    return MANAGES[account_rank(actor)]


def can_manage_accounts(actor) -> bool:
    """May open the account pages of others: every role with a level below it."""
    return bool(managed_ranks(actor))


def account_place_q(actor) -> Q:
    """Accounts (User rows) whose place is in the actor's scope: committees of communities in it and
    regional accounts of regions in it (the actor's own region included)."""
    if not is_active_user(actor):
        return NOTHING
    if is_nationwide(actor):
        return Q()
    column = regional_column(actor)
    if column is None:
        return NOTHING
    if column == "street_id":
        return Q(community__street_id=actor.region_id) | Q(region_id=actor.region_id)
    return Q(**{f"community__{column}": actor.region_id}) | Q(**{f"region__{column}": actor.region_id})


def account_manageable_q(actor) -> Q:
    ranks = managed_ranks(actor)
    if not ranks:
        return NOTHING
    rank_q = Q(pk__in=[])
    for rank in ranks:
        rank_q |= RANK_Q[rank]
    return account_place_q(actor) & rank_q


def _place(user) -> dict:
    """The region codes an account belongs to (None where it has none: nationwide accounts)."""
    if user.community_id:
        c = user.community
        return {
            "province_id": c.province_id,
            "city_id": c.city_id,
            "county_id": c.county_id,
            "street_id": c.street_id,
        }
    if user.region_id:
        r = user.region
        return {
            "province_id": r.province_id,
            "city_id": r.city_id,
            "county_id": r.county_id,
            "street_id": r.pk if r.level == "street" else None,
        }
    return {"province_id": None, "city_id": None, "county_id": None, "street_id": None}


def _actor_chain(actor) -> set:
    """The actor's region and every region above it (accounts there are above or beside it)."""
    r = actor.region
    return {code for code in (r.pk, r.province_id, r.city_id, r.county_id) if code}


def account_manage_check(actor, target) -> None:
    """Raise NotFoundError when `target` is outside the actor's scope, ForbiddenError when it is in
    scope but not below the actor's level (or the actor manages no accounts at all)."""
    ranks = managed_ranks(actor)
    if not ranks:
        raise ForbiddenError(_("You may not manage accounts."))
    if not is_nationwide(actor):
        column = regional_column(actor)
        place = _place(target)
        inside = place[column] == actor.region_id
        # Accounts above the actor in its own chain (its province's department, the ministry)
        # are known to it: refused, not hidden. Other departments are beside every housing rank.
        above = (
            account_rank(target) not in DEPARTMENT_RANKS
            and account_rank(target) >= account_rank(actor)
            and (not any(place.values()) or _own_region_code(target) in _actor_chain(actor))
        )
        if not inside and not above:
            raise NotFoundError(_("No such account."))
    if target.pk == actor.pk or account_rank(target) not in ranks:
        raise ForbiddenError(_("This account is not below your level: the level above manages it."))


def _own_region_code(user):
    return user.region_id if user.region_id else None
