"""Reads of the registry shared by the pages, the API, exports and reports."""

from django.db.models import Q, QuerySet

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
    search = (search or "").strip()
    if search:
        qs = qs.filter(Q(code__startswith=search) if search.isdigit() else Q(name__icontains=search))
    return qs.order_by("code")


def community_count_visible(*, user) -> int:
    return Community.objects.visible_to(user).count()


def community_get_visible(*, user, code: str) -> Community:
    """One community in scope, or Community.DoesNotExist (views answer 404 for both cases)."""
    return Community.objects.visible_to(user).with_regions().get(pk=code)
