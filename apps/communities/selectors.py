"""Reads of the registry shared by the pages, the API, exports and reports."""

from django.db.models import F, Q, QuerySet

from apps.regions.models import Region

from .models import Community


def community_list(
    *, user, search: str = "", province=None, city=None, county=None, street=None
) -> QuerySet[Community]:
    """Communities in the caller's scope, narrowed by region and by a name or code search."""
    qs = Community.objects.visible_to(user).with_regions()
    for field, value in (("province", province), ("city", city), ("county", county), ("street", street)):
        if value:
            qs = qs.filter(**{f"{field}_id": value.pk if isinstance(value, Region) else value})
    return qs.filter(community_search_q(search)).order_by("code")


def community_list_columns(queryset: QuerySet[Community]) -> QuerySet[Community]:
    """What the community list's rows show (apps/communities/list_rows.py): code, name, retirement
    date, and the names of the street, county, city and province as `street_name` … (`city_name`
    None without a city), without a model instance per region."""
    return queryset.only("code", "name", "retired_on").annotate(
        street_name=F("street__name"),
        county_name=F("county__name"),
        city_name=F("city__name"),
        province_name=F("province__name"),
    )


def community_search_q(search: str | None, path: str = "") -> Q:
    """The one community search of the portal (list, API, queue): a code prefix when the text is all
    digits, a part of the name otherwise (the name's trigram index serves it); empty text finds all.
    `path` leads from the searched model to the community ("community__" for an assessment)."""
    search = (search or "").strip()
    if not search:
        return Q()
    if search.isdigit():
        return Q(**{f"{path}code__startswith": search})
    return Q(**{f"{path}name__icontains": search})


def community_count_visible(*, user) -> int:
    return Community.objects.visible_to(user).count()


def community_get_visible(*, user, code: str) -> Community:
    """One community in scope, or Community.DoesNotExist (views answer 404 for both cases)."""
    return Community.objects.visible_to(user).with_regions().get(pk=code)


def community_life(*, user, community: Community) -> dict:
    """What the community page shows of its life: its successor and predecessors, its assessments
    of every year (in the caller's scope) and its registry history (for those who may read it)."""
    from apps.accounts.scoping import province_scope_q
    from apps.assessments.models import Assessment
    from apps.core.models import TraceEvent, TraceKind

    return {
        "successor": Community.objects.visible_to(user).filter(pk=community.successor_id).first()
        if community.successor_id
        else None,
        "predecessors": list(
            Community.objects.visible_to(user).filter(successor_id=community.code).order_by("code")
        ),
        "assessments": list(
            Assessment.objects.visible_to(user)
            .filter(community_id=community.code)
            .order_by("-year")
            .only("id", "year", "state", "submitted_at", "approved_at", "revoked_at", "community_id")
        ),
        "history": list(
            TraceEvent.objects.filter(province_scope_q(user))
            .filter(kind=TraceKind.REGISTRY, subject=community.code)
            .select_related("actor")
            .order_by("-id")[:50]
        ),
    }
