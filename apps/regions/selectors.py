"""Reads of the region tree shared by pages, the API and reports."""

from django.db.models import QuerySet

from .models import Region, RegionLevel


def provincial_units() -> QuerySet[Region]:
    """The 32 provincial-level units (31 provinces plus the Xinjiang Production and Construction Corps)."""
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")
