"""Reads of the public pages (no login): only public facts (names, codes, dates, citations) of
approved assessments and demonstrations; never evidence or statements."""

from django.db.models import QuerySet

from apps.assessments.models import Assessment, State
from apps.regions.models import Region, RegionLevel
from apps.review.models import Demonstration


def public_provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")


def public_approved(*, province: Region, year: int) -> QuerySet:
    """Communities of a province approved for a year and not revoked: public facts only."""
    return (
        Assessment.objects.filter(province=province, year=year, state=State.APPROVED)
        .order_by("county_id", "community_id")
        .values(
            "community_id",
            "community__name",
            "county__name",
            "street__name",
            "approved_at",
        )
    )


def public_demonstrations(*, province: Region, year: int) -> QuerySet:
    """Demonstration communities of a province and year whose approval still stands."""
    return (
        Demonstration.objects.filter(
            year=year, assessment__province=province, assessment__state=State.APPROVED
        )
        .order_by("assessment__community_id")
        .values(
            "assessment__community_id",
            "assessment__community__name",
            "assessment__county__name",
            "citation",
            "designated_at",
        )
    )
