"""What-if of a draft local standard (issue 24, item 6; docs/figures.md "Targets", what-if).

For a standard of province P and year Y, last year's (Y-1) confirmed scores of P's assessments are
mapped through the standard's criteria: per assessment and national criterion, the fraction
earned = confirmed scores / points of last year's responses counting under that national criterion;
the assessment's forecast score = sum over the standard's criteria of criterion points × the
fraction of its national criterion (0 where last year had no scored response under it), rounded to
0.01; it passes when that reaches the standard's pass mark. Counted per city (the county where the
assessment has no city: municipalities), by the areas stamped on the assessment, in one grouped SQL query; joined with the stored figures of Y-1 (registered,
actual share) and the targets of Y.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from apps.regions.models import Region
from apps.standards.models import StandardVersion

from .models import Target
from .selectors import _areas_of, _pct, _unit_areas

_SQL = """
WITH frac AS (
    SELECT r.assessment_id AS aid, lc.national_criterion_id AS nid,
           SUM(r.confirmed_score) * 1.0 / SUM(lc.points) AS f
    FROM assessments_response r
    JOIN standards_criterion lc ON lc.id = r.criterion_id
    JOIN assessments_assessment a ON a.id = r.assessment_id
    WHERE a.year = %(base)s AND a.province_id = %(province)s AND a.state <> 'draft'
      AND r.confirmed_score IS NOT NULL AND lc.points > 0
    GROUP BY r.assessment_id, lc.national_criterion_id
), score AS (
    SELECT frac.aid, ROUND(SUM(dc.points * frac.f), 2) AS s
    FROM frac JOIN standards_criterion dc
      ON dc.national_criterion_id = frac.nid AND dc.standard_id = %(standard)s AND dc.points IS NOT NULL
    GROUP BY frac.aid
)
SELECT COALESCE(a.city_id, a.county_id) AS area,
       COUNT(*) AS assessed,
       SUM(CASE WHEN COALESCE(score.s, 0) >= CAST(%(pass_mark)s AS NUMERIC) THEN 1 ELSE 0 END) AS passing
FROM (SELECT DISTINCT aid FROM frac) scored
JOIN assessments_assessment a ON a.id = scored.aid
LEFT JOIN score ON score.aid = scored.aid
GROUP BY COALESCE(a.city_id, a.county_id)
"""


def _share(part: int, whole: int):
    return None if not whole else part / whole


def whatif_counts(*, standard: StandardVersion) -> dict[str, dict]:
    """{area code: {"assessed", "passing"}}: last year's assessments of the standard's province that
    have confirmed scores, and how many of them reach the standard's pass mark. One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            _SQL,
            {
                "base": standard.year - 1,
                "province": standard.province_id,
                "standard": standard.pk,
                "pass_mark": standard.pass_mark,
            },
        )
        return {area: {"assessed": int(n), "passing": int(p or 0)} for area, n, p in cursor.fetchall()}


def _dec(value) -> str | None:
    return None if value is None else str(Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_UP))


def standard_whatif(*, standard: StandardVersion) -> dict | None:
    """The forecast of a local scored standard (None for the national or an unscored one), as plain
    data (it is stored with the version on publishing): per city the communities assessed last year,
    how many would pass, the forecast share (passing / registered) against the area's target of the
    standard's year and its actual share of last year; the same for the province."""
    if standard.is_national or standard.pass_mark is None or standard.total_points is None:
        return None
    base = standard.year - 1
    counts = whatif_counts(standard=standard)
    unit = _unit_areas(year=base, province_code=standard.province_id)
    registered_of = {**unit["counties"], **unit["cities"]}
    names = dict(Region.objects.filter(code__in=list(counts)).values_list("code", "name")) if counts else {}
    codes = sorted(counts)
    targets = {
        t.area_id: t
        for t in Target.objects.filter(year=standard.year, area__in=[*codes, standard.province_id])
    }

    def row(code, name, c, fig, target):
        fig = fig or {}
        registered = fig.get("registered", 0) or 0
        share = _share(c["passing"], registered)
        return {
            "code": code,
            "name": name,
            "assessed": c["assessed"],
            "passing": c["passing"],
            "registered": registered,
            "forecast_pct": _dec(_pct(share)),
            "actual_pct": _dec(_pct(fig.get("share"))),
            "target_pct": None if target is None else _dec(target.meeting),
            "reaches_target": None if target is None or share is None else _pct(share) >= target.meeting,
        }

    rows = [
        row(code, names.get(code, code), counts[code], registered_of.get(code), targets.get(code))
        for code in codes
    ]
    total = {
        "assessed": sum(c["assessed"] for c in counts.values()),
        "passing": sum(c["passing"] for c in counts.values()),
    }
    prov = row(
        standard.province_id,
        standard.province.name,
        total,
        unit["totals"],
        targets.get(standard.province_id),
    )
    return {
        "base_year": base,
        "year": standard.year,
        "pass_mark": _dec(standard.pass_mark),
        "computed_at": timezone.now().isoformat(),
        "province": prov,
        "cities": rows,
    }


def forecast_against_result(*, standard: StandardVersion) -> dict | None:
    """A published version's kept forecast with, per area, the share that met the requirements in
    the version's year (`result_pct`, from the stored figures of that year; None while none are
    stored): forecast and result side by side. One query besides the standard."""
    from apps.reports.models import UnitFigures

    if not standard.forecast:
        return None
    forecast = {**standard.forecast}
    row = UnitFigures.objects.filter(province_id=standard.province_id, year=standard.year).first()
    areas = None
    if row is not None:
        areas = _areas_of({**row.summary, **row.areas})
        by_code = {**areas["counties"], **areas["cities"]}
    forecast["has_result"] = areas is not None

    def with_result(r, fig):
        return {**r, "result_pct": None if fig is None else _dec(_pct(fig.get("share")))}

    forecast["cities"] = [
        with_result(r, None if areas is None else by_code.get(r["code"])) for r in forecast["cities"]
    ]
    forecast["province"] = with_result(forecast["province"], None if areas is None else areas["totals"])
    return forecast
