"""Reads of standards shared by pages, the API and reports."""

from .loader import NATIONAL_CODE
from .models import Criterion, StandardVersion


def national_standard() -> StandardVersion:
    return StandardVersion.objects.get(code=NATIONAL_CODE)


def standard_for_province(*, province) -> StandardVersion:
    """The active provincial variant if the province has one, else the national standard."""
    variant = (
        StandardVersion.objects.filter(province=province, is_active=True).order_by("-issued").first()
        if province is not None
        else None
    )
    return variant or national_standard()


def criteria_of(standard: StandardVersion):
    return Criterion.objects.filter(standard=standard).select_related("category").order_by("number")
