"""Per-criterion figures: always per NATIONAL criterion, through each local criterion's mapping
(docs/figures.md, "Per-criterion figures"), and the score figures of scored local standards.

The one place these are computed: the annual report and the national snapshot store what
`national_criterion_figures` returns (so the dashboards, both PDFs and the reports API show it),
and the assessments export uses the same mapping and the same rule (apps.assessments.weakest:
`weakest_rating`, `weakest_verdict`). Every figure is a GROUP BY in the database; the nation's
rows are composed from its units' (`criteria_compose`), never counted again.
"""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Avg, Case, Count, F, Min, Q, QuerySet, Value, When

from apps.assessments.models import Rating, Response, Verdict
from apps.assessments.weakest import NATIONAL_NUMBER
from apps.standards.models import Criterion
from apps.standards.selectors import national_criteria, standard_for

from . import asof
from .counts import share


def _stats_rows(criteria: Sequence[Mapping[str, Any]], stats: dict, base: int) -> list[dict]:
    rows = []
    for c in criteria:
        s = stats.get(c["number"], {})
        answered = s.get("answered", 0)
        met = answered - s.get("not_met", 0)
        confirmed = answered - s.get("not_confirmed", 0)
        rows.append(
            {
                "number": c["number"],
                "text": c["text_zh"],
                "approved": base,
                "met": met,
                "met_share": share(met, base),
                "confirmed": confirmed,
                "confirmed_share": share(confirmed, base),
            }
        )
    return rows


# How composed figures (the nation from its units) divide again: share -> (part, base).
SHARES = {"met_share": ("met", "approved"), "confirmed_share": ("confirmed", "approved")}


def _is_count(key: str, value) -> bool:
    return key != "number" and isinstance(value, int) and not isinstance(value, bool)


def criteria_compose(per_unit: list[list[dict]]) -> list[dict]:
    """The nation's per-criterion rows from the units' rows (`per_unit`, one list per unit): each
    count summed over the units, each share divided again (`SHARES`)."""
    by_number: dict = {}
    for rows in per_unit:
        for row in rows:
            into = by_number.setdefault(
                row["number"],
                {k: v for k, v in row.items() if not _is_count(k, v) and k not in SHARES},
            )
            for key, value in row.items():
                if _is_count(key, value):
                    into[key] = into.get(key, 0) + value
    composed = []
    for number in sorted(by_number):
        row = by_number[number]
        for name, (part, base) in SHARES.items():
            if part in row or base in row:
                row[name] = share(row.get(part, 0), row.get(base, 0))
        composed.append(row)
    return composed


def _criteria_map() -> tuple[dict[int, int | None], list[int]]:
    """Every criterion's national number ({criterion id: number}) and the local criteria that share
    their national criterion with another criterion of the same standard (a split national
    criterion): only their responses need a pass per assessment. One query (the criteria are few)."""
    rows = list(
        Criterion.objects.order_by().values_list(
            "id", "standard_id", "national_criterion_id", "national_criterion__number"
        )
    )
    members: dict[tuple, list[int]] = defaultdict(list)
    for pk, standard, national, _number in rows:
        members[(standard, national)].append(pk)
    shared = sorted(pk for pks in members.values() if len(pks) > 1 for pk in pks)
    return {pk: number for pk, _s, _n, number in rows}, shared


def _per_assessment(approved: QuerySet, *, by_unit: bool) -> list[tuple]:
    """(unit, national number, answered, not met, not confirmed) for the assessments of `approved`.

    An assessment has one response per criterion of its standard, so where a national criterion
    is one local criterion (the national standard, and most of every local one) the counts are
    plain counts of responses, grouped by unit and criterion in ONE join of the approved
    assessments with their responses (no IN subquery, no join of the criteria: each criterion's
    national number is mapped here, summed by `_stats`). Only the responses of a split
    national criterion (several local criteria of one standard counted under it) take a pass per
    assessment and national criterion first (met = every one rated met, confirmed = every one
    confirmed, as 1/0), then the same counts; an assessment's responses under one national
    criterion are all in one part or all in the other."""
    numbers, shared = _criteria_map()
    keys = ("province_id", "responses__criterion_id") if by_unit else ("responses__criterion_id",)
    grouped = (
        approved.order_by()
        .values(*keys)
        .annotate(
            answered=Count("responses__id"),
            not_met=Count("responses__id", filter=~Q(responses__rating=Rating.MET)),
            not_confirmed=Count("responses__id", filter=~Q(responses__verdict=Verdict.CONFIRMED)),
        )
        .values_list(*keys, "answered", "not_met", "not_confirmed")
    )
    excluded = set(shared)
    rows = [
        (row[0] if by_unit else "", numbers[row[-4]], *row[-3:])
        for row in grouped
        # An assessment without responses (its criterion None) counts nowhere; the split
        # criteria are counted per assessment below.
        if row[-4] is not None and row[-4] not in excluded
    ]
    if not shared:
        return rows
    unit = F("assessment__province_id") if by_unit else Value("")
    responses = Response.objects.filter(assessment__in=approved.values("id")).order_by()
    per_assessment = (
        responses.filter(criterion_id__in=shared)
        .values("assessment_id")
        .annotate(
            unit=unit,
            n=F(NATIONAL_NUMBER),
            met=Min(Case(When(rating=Rating.MET, then=Value(1)), default=Value(0))),
            confirmed=Min(Case(When(verdict=Verdict.CONFIRMED, then=Value(1)), default=Value(0))),
        )
        .values_list("assessment_id", "unit", "n", "met", "confirmed")
    )
    sql, params = per_assessment.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.unit, t.n, COUNT(*), SUM(1 - t.met), SUM(1 - t.confirmed) "  # noqa: S608
            f"FROM ({sql}) t GROUP BY t.unit, t.n",
            params,
        )
        return rows + cursor.fetchall()


def _stats(rows) -> dict:
    stats: dict = defaultdict(dict)
    for unit, n, answered, not_met, not_confirmed in rows:
        row = stats[unit].setdefault(n, {"answered": 0, "not_met": 0, "not_confirmed": 0})
        row["answered"] += answered
        row["not_met"] += not_met
        row["not_confirmed"] += not_confirmed
    return stats


def national_criterion_figures_by_unit(
    *, assessments: QuerySet, year: int, codes, bases: dict[str, int] | None = None
) -> dict[str, list[dict]]:
    """One row per national criterion for each provincial unit of `codes`: of the assessments
    APPROVED in `year` among `assessments` (as of its end, `asof`), how many met it (every local criterion mapped onto
    it rated met) and how many the reviewers confirmed (every one confirmed), and both as shares
    of the approved assessments. The one per-criterion rule of every report, snapshot, dashboard,
    PDF and API answer.

    Three queries whatever the number of units and rows: the criteria, one GROUP BY over the
    approved assessments joined with their responses by unit and criterion, the national criteria;
    and the approved count per unit unless the caller counted it already (`bases`)."""
    approved = assessments.filter(asof.approved_in_q(year))
    if bases is None:
        bases = dict(approved.order_by().values_list("province_id").annotate(n=Count("id")))
    stats = _stats(_per_assessment(approved, by_unit=True))
    criteria = list(national_criteria().values("number", "text_zh"))
    return {code: _stats_rows(criteria, stats[code], bases.get(code, 0)) for code in codes}


def national_criterion_figures(*, assessments: QuerySet, year: int) -> list[dict]:
    """The same rows over all of `assessments` at once (one base, not one per unit)."""
    approved = assessments.filter(asof.approved_in_q(year))
    stats = _stats(_per_assessment(approved, by_unit=False))[""]
    return _stats_rows(list(national_criteria().values("number", "text_zh")), stats, approved.count())


def _number(value) -> float | None:
    return None if value is None else float(round(Decimal(value), 2))


BINS = 10


def province_standard_figures(*, assessments: QuerySet, year: int, province_code: str, standard=None) -> dict:
    """What a provincial report adds about its standard: which one applied ("standard", looked up
    unless given) and, for a scored one, its score figures ("scores", None otherwise)."""
    if standard is None:
        standard = standard_for(province=province_code, year=year)
    return {
        "standard": {
            "code": standard.code,
            "title": standard.title_zh,
            "local": not standard.is_national,
            "version": standard.version,
            "total_points": _number(standard.total_points),
            "pass_mark": _number(standard.pass_mark),
        },
        "scores": score_figures(assessments=assessments, year=year, standard=standard),
    }


def score_figures(*, assessments: QuerySet, year: int, standard) -> dict | None:
    """The score figures of a province whose standard of `year` is scored (None otherwise): over
    the approved assessments of the year with a confirmed total, the distribution of confirmed
    totals in ten equal bins from 0 to the total points (the last bin closed), how many are below
    the pass mark, the mean total, and the mean confirmed score per local criterion."""
    if not standard.is_scored:
        return None
    total_points, pass_mark = standard.total_points, standard.pass_mark
    scored = assessments.filter(asof.approved_in_q(year), standard=standard, confirmed_total__isnull=False)
    # Few distinct totals: grouped in the database, binned here.
    by_total = scored.order_by().values("confirmed_total").annotate(n=Count("id"))
    width = total_points / BINS
    counts = [0] * BINS
    for row in by_total:
        index = min(BINS - 1, max(0, int(row["confirmed_total"] // width)))
        counts[index] += row["n"]
    summary = scored.aggregate(
        n=Count("id"),
        mean=Avg("confirmed_total"),
        below=Count("id", filter=Q(confirmed_total__lt=pass_mark)),
    )
    per_criterion = (
        Response.objects.filter(assessment__in=scored.values("id"), criterion__standard=standard)
        .order_by("criterion__number")
        .values("criterion__number", "criterion__text_zh", "criterion__points", NATIONAL_NUMBER)
        .annotate(mean=Avg("confirmed_score"), scored=Count("confirmed_score"))
    )
    return {
        "total_points": _number(total_points),
        "pass_mark": _number(pass_mark),
        "assessed": summary["n"],
        "below_pass": summary["below"],
        "mean_total": _number(summary["mean"]),
        "distribution": [
            {"from": _number(width * i), "to": _number(width * (i + 1)), "count": counts[i]}
            for i in range(BINS)
        ],
        "criteria": [
            {
                "number": r["criterion__number"],
                "text": r["criterion__text_zh"],
                "national": r[NATIONAL_NUMBER],
                "points": _number(r["criterion__points"]),
                "mean": _number(r["mean"]),
                "scored": r["scored"],
            }
            for r in per_criterion
        ],
    }
