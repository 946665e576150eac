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


_NATIONAL_NUMBERS: tuple[int, ...] = ()


def national_numbers() -> tuple[int, ...]:
    """The numbers of the national trial standard's criteria, in order (the "16" is data). The
    national standard never changes once loaded, so it is read once per process."""
    global _NATIONAL_NUMBERS
    if not _NATIONAL_NUMBERS:
        numbers = Criterion.objects.filter(standard__code=NATIONAL_CODE).order_by("number")
        _NATIONAL_NUMBERS = tuple(numbers.values_list("number", flat=True))
    return _NATIONAL_NUMBERS
