"""The single place that turns a user into the set of rows they may see.

Every model that belongs to a community scopes through `region_scope_q(user, path)`, where
`path` leads from that model to its community ("" for Community itself, "community__" for
an assessment). Nothing scopes by code prefix: the Corps shares Xinjiang's prefix 65.
"""

from django.db.models import Q

NOTHING = Q(pk__in=[])


def region_scope_q(user, path: str = "", *, community_field: str | None = None) -> Q:
    """Rows in the user's scope. `path` prefixes the province/city/county columns; a community user
    matches on `community_field` (default: `<path>code`, the community's own key)."""
    community_field = community_field or f"{path}code"
    if user is None or not user.is_authenticated or not user.is_active:
        return NOTHING
    role = user.role
    if role in ("ministry", "admin") or user.is_superuser:
        return Q()
    if role == "community":
        return Q(**{community_field: user.community_id}) if user.community_id else NOTHING
    region = user.region
    if region is None:
        return NOTHING
    if role == "province":
        return Q(**{f"{path}province_id": region.pk})
    if role == "city":
        if region.level == "city":
            return Q(**{f"{path}city_id": region.pk})
        if region.level == "county":
            return Q(**{f"{path}county_id": region.pk})
    return NOTHING


def region_tree_q(user, path: str = "") -> Q:
    """Scope over regions (cities, counties, streets) by the same rules, for filters and pickers."""
    if user is None or not user.is_authenticated:
        return NOTHING
    if user.role in ("ministry", "admin") or user.is_superuser:
        return Q()
    if user.role == "community":
        community = user.community
        return (
            Q(
                **{
                    f"{path}code__in": [
                        community.street_id,
                        community.county_id,
                        community.city_id or "",
                        community.province_id,
                    ]
                }
            )
            if community
            else NOTHING
        )
    region = user.region
    if region is None:
        return NOTHING
    if user.role == "province":
        return Q(**{f"{path}province_id": region.pk})
    if region.level == "city":
        return Q(**{f"{path}city_id": region.pk})
    return Q(**{f"{path}county_id": region.pk})
