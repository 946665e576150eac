"""Reads of standards shared by pages, the API, assessments and reports (docs/figures.md, "Standards")."""

from collections.abc import Callable

from django.db.models import Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from .loader import NATIONAL_CODE
from .models import Category, Criterion, StandardState, StandardVersion


def national_standard() -> StandardVersion:
    return StandardVersion.objects.get(code=NATIONAL_CODE)


def national_criteria() -> QuerySet[Criterion]:
    """The criteria of the national trial standard, by number: every per-criterion figure is per
    one of these."""
    return Criterion.objects.filter(standard__code=NATIONAL_CODE).order_by("number")


def standard_for(*, province, year: int) -> StandardVersion:
    """The standard a community of `province` fills for `year`: the province's published local
    standard of that year (its latest version), else the national trial standard. One query."""
    province_id = getattr(province, "pk", province)
    local = _in_force_q([province_id], year) if province_id else Q(pk__in=[])
    standard = (
        StandardVersion.objects.filter(local | Q(code=NATIONAL_CODE))
        .order_by(F("province").asc(nulls_last=True), "-version")
        .first()
    )
    assert standard is not None, "the national standard is loaded by migration"
    return standard


def _in_force_q(province_ids, year: int) -> Q:
    """The local standards a province's communities may fill for `year`: its published versions of
    that year (the latest of them is in force); of every province when `province_ids` is None."""
    provinces = Q(province__isnull=False) if province_ids is None else Q(province_id__in=province_ids)
    return provinces & Q(year=year, state=StandardState.PUBLISHED)


def standards_for(*, provinces, year: int) -> dict[str, StandardVersion]:
    """`standard_for` of many provincial units at once (two queries whatever their number)."""
    codes = [getattr(p, "pk", p) for p in provinces]
    chosen = dict.fromkeys(codes, national_standard())
    for standard in StandardVersion.objects.filter(_in_force_q(codes, year)).order_by(
        "province_id", "version"
    ):
        chosen[standard.province_id] = standard  # ascending versions: the latest wins
    return chosen


# The assessments opened of a province and year, as a queryset: the assessments app registers it
# (AssessmentsConfig.ready), because assessments are filled against a standard and not the other
# way round: standards import nothing of assessments.
_opened_assessments: Callable[..., QuerySet] | None = None


def register_opened_assessments(query: Callable[..., QuerySet]) -> None:
    """Called once by the assessments app: `query(province_id=, year=)` gives the opened ones."""
    global _opened_assessments
    _opened_assessments = query


def _opened(province, year: int | None) -> QuerySet:
    if _opened_assessments is None:
        raise RuntimeError("apps.assessments has not registered its opened assessments")
    return _opened_assessments(province_id=getattr(province, "pk", province), year=year)


def year_is_frozen(*, province, year: int) -> bool:
    """Once any assessment of the province and year was opened, that year's standard is frozen."""
    return _opened(province, year).exists()


def opened_assessments(*, province, year: int | None) -> int:
    return _opened(province, year).count()


def criteria_of(standard: StandardVersion) -> QuerySet[Criterion]:
    return (
        Criterion.objects.filter(standard=standard)
        .select_related("category", "national_criterion")
        .order_by("number")
    )


def criteria_count():
    """The number of criteria of each standard, as an annotation (a subquery: one query for a list)."""
    counts = (
        Criterion.objects.filter(standard=OuterRef("pk"))
        .order_by()
        .values("standard")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def standard_list(*, user, province=None, year: int | None = None) -> QuerySet[StandardVersion]:
    """Standards the user may read, newest first, with their province and criterion count."""
    qs = (
        StandardVersion.objects.visible_to(user)
        .select_related("province", "published_by")
        .annotate(criteria_count=criteria_count())
    )
    if province is not None:
        qs = qs.filter(province_id=getattr(province, "pk", province))
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("province_id", "-year", "-version")


def standard_get(*, user, pk) -> StandardVersion:
    """One standard in scope, or StandardVersion.DoesNotExist (404 for both unknown and foreign)."""
    return (
        StandardVersion.objects.visible_to(user)
        .select_related("province", "parent", "copied_from", "published_by", "created_by")
        .get(pk=pk)
    )


def with_structure(qs: QuerySet[StandardVersion]) -> QuerySet[StandardVersion]:
    """Prefetch categories (by order) and their criteria (by number) with their national criterion."""
    return qs.prefetch_related(
        Prefetch(
            "categories",
            queryset=Category.objects.order_by("order").prefetch_related(
                Prefetch(
                    "criteria",
                    queryset=Criterion.objects.select_related("national_criterion").order_by("number"),
                )
            ),
        )
    )


def local_standards_in_force(*, year: int) -> list[dict]:
    """Every province's local standard in force for `year` (its latest published version), as
    plain JSON for the national snapshot: which provinces use one, and their pass marks."""
    rows = (
        StandardVersion.objects.filter(_in_force_q(None, year))
        .order_by("province_id", "-version")
        .annotate(criteria_count=criteria_count())
        .values(
            "province_id",
            "province__name",
            "code",
            "title_zh",
            "version",
            "total_points",
            "pass_mark",
            "published_at",
            "criteria_count",
        )
    )
    seen, result = set(), []
    for r in rows:
        if r["province_id"] in seen:
            continue
        seen.add(r["province_id"])
        result.append(
            {
                "province": r["province_id"],
                "province_name": r["province__name"],
                "code": r["code"],
                "title": r["title_zh"],
                "version": r["version"],
                "criteria": r["criteria_count"],
                "total_points": _number(r["total_points"]),
                "pass_mark": _number(r["pass_mark"]),
                "published_at": timezone.localdate(r["published_at"]).isoformat()
                if r["published_at"]
                else None,
            }
        )
    return result


def _number(value):
    return None if value is None else float(value)


_NATIONAL_NUMBERS: tuple[int, ...] = ()


def national_numbers() -> tuple[int, ...]:
    """The numbers of the national trial standard's criteria, in order (the "16" is data). The
    national standard never changes once loaded, so it is read once per process."""
    global _NATIONAL_NUMBERS
    if not _NATIONAL_NUMBERS:
        _NATIONAL_NUMBERS = tuple(national_criteria().values_list("number", flat=True))
    return _NATIONAL_NUMBERS
