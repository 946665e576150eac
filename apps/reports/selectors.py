"""Reads of the reports app: the figures (database aggregation only) and scoped lookups.

The definitions are those of docs/figures.md (registered, participating, submitted, approved,
revoked, meeting the requirements, share). In short:

- registered in Y: communities in the registry of Y (added by 31 December of Y and not retired by
  then, `apps.communities.models.registered_q`); every other figure of Y counts the assessments of
  these communities only, so a past year never changes when the registry does;
- participating in Y: communities whose assessment of Y left draft (including those sent back);
- submitted: assessments of Y with a reviewer or decided (submitted, recommended, approved,
  revoked), i.e. participating minus those returned to the community;
- as of the end of Y (apps/reports/asof.py, the one place): approved in Y = assessments of Y
  approved during Y and not revoked by 31 December of Y (Asia/Shanghai); revoked in Y =
  revocations during Y (of an approval of any year); revoked since = approved in Y, revoked after
  it (today's state, shown apart); meeting the requirements at the end of Y (cumulative) =
  communities with an assessment approved before 1 January of Y+1 and not revoked by then. A
  decision taken after Y changes none of them;
- share: meeting / registered, against the 60 % target of 2022;
- late: assessments of Y first submitted after the community deadline (31 October of Y, Asia/Shanghai
  dates; `apps.core.campaign.community_submission_late`), whatever their state since.

Live figures: `units_figures_compute` computes provincial units in a fixed number of GROUP BY
queries; the services store one row per unit and year (UnitFigures) after every decision; the
national figures are composed from the 32 stored units (`national_figures_compose`), never by
reading every assessment again.
"""

import datetime as dt
from collections import Counter, defaultdict

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_read_national_pdf
from apps.accounts.scoping import region_tree_q
from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.core import campaign as _campaign
from apps.core.campaign import FIRST_YEAR, NATIONAL_TARGET_YEAR, campaign_year, report_deadline, target_share
from apps.core.errors import NotFoundError
from apps.naming.selectors import stage_aggregates
from apps.regions.models import Region, RegionLevel
from apps.regions.selectors import provincial_units
from apps.review import workflow
from apps.review.models import Demonstration
from apps.review.selectors import chains_for
from apps.standards.selectors import local_standards_in_force, standards_for

from . import asof, criteria
from .models import AnnualReport, CompileJob, NationalSnapshot, UnitFigures

SHANGHAI = asof.SHANGHAI
CORPS = "660000000000"
TARGET_YEAR = NATIONAL_TARGET_YEAR
# The review levels an assessment may wait at (apps.review.workflow once the review app exists).
REVIEW_LEVELS = workflow.LEVEL_KEYS
IN_REVIEW = (State.SUBMITTED, State.RECOMMENDED)
COUNTS = (
    "registered",
    "participating",
    "submitted",
    "approved",
    "revoked",
    "revoked_since",
    "returned",
    "meeting",
)
# The naming stages shown beside "meeting the requirements" (counts of the year's assessments as
# they stand, from apps.naming.selectors.stage_aggregates; named communities are in "meeting").
NAMING_COUNTS = ("proposed", "in_notice", "held")
# The figures a list of communities can be asked for (drill-down "the communities behind a figure").
FIGURES = (*COUNTS, "not_participating", *(f"waiting_{level}" for level in REVIEW_LEVELS))


year_start = asof.year_start


def figure_years() -> list[int]:
    """The years with figures: every campaign year from 2020 to the current one."""
    return list(range(FIRST_YEAR, max(FIRST_YEAR, campaign_year()) + 1))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


_meeting_q = asof.meeting_q


def _scope(year: int, province_codes=None, region_q: Q | None = None):
    """The registry of `year` and the assessments of its communities (optionally of some units, or
    of one region). Assessments of communities absent from that year's registry (added later,
    retired by its end) are excluded through the small set of communities with dated lives."""
    communities = Community.objects.registered_in(year)
    gone = Community.objects.not_registered_in(year)
    assessments = Assessment.objects.all()
    if province_codes is not None:
        communities = communities.filter(province_id__in=province_codes)
        gone = gone.filter(province_id__in=province_codes)
        assessments = assessments.filter(province_id__in=province_codes)
    if region_q is not None:
        communities, gone, assessments = (qs.filter(region_q) for qs in (communities, gone, assessments))
    return communities, assessments.exclude(community_id__in=gone.values("code")), gone


# --- rows of counts ----------------------------------------------------------------------------


def _zero() -> dict:
    return {
        **dict.fromkeys(COUNTS, 0),
        "late": 0,
        **dict.fromkeys(NAMING_COUNTS, 0),
        "waiting": dict.fromkeys(REVIEW_LEVELS, 0),
    }


def _add(into: dict, row: dict) -> dict:
    for key in (*COUNTS, "late", *NAMING_COUNTS):
        into[key] = into.get(key, 0) + row.get(key, 0)
    for level, n in row.get("waiting", {}).items():
        into["waiting"][level] = into["waiting"].get(level, 0) + n
    return into


def _finish(row: dict) -> dict:
    row["share"] = _share(row["meeting"], row["registered"])
    row["participation"] = _share(row["participating"], row["registered"])
    return row


def _late_q(year: int) -> Q:
    """Assessments first submitted after the community deadline of `year` (a Shanghai date): from
    midnight after 31 October in Asia/Shanghai; the last submission when no first one is stamped
    (as apps.core.campaign.community_submission_late reads it)."""
    after = dt.datetime.combine(
        _campaign.community_deadline(year) + dt.timedelta(days=1), dt.time(), tzinfo=SHANGHAI
    )
    return Q(first_submitted_at__gte=after) | Q(first_submitted_at__isnull=True, submitted_at__gte=after)


def _area_counts(*, year: int, communities, assessments, keys: dict) -> dict[tuple, dict]:
    """Registered, participating, submitted, approved, revoked, returned, waiting per level,
    meeting and late, grouped by `keys` ({name: field or expression}): two GROUP BY queries."""
    names = list(keys)
    groups: dict[tuple, dict] = defaultdict(_zero)

    def grouped(qs, **aggregates):
        return (
            qs.order_by()
            .annotate(**{f"k_{n}": e if not isinstance(e, str) else F(e) for n, e in keys.items()})
            .values(*(f"k_{n}" for n in names))
            .annotate(**aggregates)
        )

    def key_of(row) -> tuple:
        return tuple(row[f"k_{n}"] for n in names)

    for row in grouped(communities, n=Count("code")):
        groups[key_of(row)]["registered"] = row["n"]
    this_year = Q(year=year)
    waiting = {
        f"w_{level}": Count("id", filter=this_year & Q(review_level=level, state__in=IN_REVIEW))
        for level in REVIEW_LEVELS
    }
    # One pass over the assessments for the year's counts, its revocations and the cumulative one.
    for row in grouped(
        assessments.filter(this_year | _meeting_q(year) | asof.revoked_in_q(year)),
        participating=Count("id", filter=this_year & ~Q(state=State.DRAFT)),
        submitted=Count(
            "id",
            filter=this_year
            & Q(
                state__in=[State.SUBMITTED, State.RECOMMENDED, State.PROPOSED, State.APPROVED, State.REVOKED]
            ),
        ),
        approved=Count("id", filter=asof.approved_in_q(year)),
        revoked=Count("id", filter=asof.revoked_in_q(year)),
        revoked_since=Count("id", filter=asof.revoked_since_q(year)),
        returned=Count("id", filter=this_year & Q(state=State.RETURNED)),
        meeting=Count("community_id", distinct=True, filter=_meeting_q(year)),
        late=Count("id", filter=this_year & _late_q(year)),
        **{k: v for k, v in stage_aggregates(within=this_year).items() if k in NAMING_COUNTS},
        **waiting,
    ):
        group = groups[key_of(row)]
        for key in (*COUNTS[1:], "late", *NAMING_COUNTS):
            group[key] = row[key]
        group["waiting"] = {level: row[f"w_{level}"] for level in REVIEW_LEVELS}
    return groups


def _median_tenths(hist: dict) -> float | None:
    """The median of a histogram of durations in tenths of days ({"95": 3, ...}), in days."""
    items = sorted((int(k), n) for k, n in hist.items() if n)
    total = sum(n for _k, n in items)
    if not total:
        return None

    def value_at(position: int) -> int:
        seen = 0
        for value, n in items:
            seen += n
            if position < seen:
                return value
        raise IndexError(position)

    return round((value_at((total - 1) // 2) + value_at(total // 2)) / 20, 1)


# How the national per-criterion shares are composed from the units' counts (share: (part, base)):
# the nation sums each count over the units and divides again (apps.reports.criteria).
CRITERIA_SHARES = criteria.SHARES


class _TenthsOfDays(Func):
    """Whole tenths of a day between two timestamps, computed by the database (so the histogram is
    one small GROUP BY, not one fetched row per approval)."""

    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        params = [*later[1], *earlier[1]]
        if connection.vendor == "postgresql":
            return f"ROUND(EXTRACT(EPOCH FROM ({later[0]} - {earlier[0]})) / 8640)::integer", params
        return f"CAST(ROUND((julianday({later[0]}) - julianday({earlier[0]})) * 10) AS INTEGER)", params


def _turnaround_hist(assessments, year: int) -> dict[str, Counter]:
    """Per unit, the days from first submission to the province's approval, as a histogram in
    tenths of a day: composable (the nation's median from the units' histograms)."""
    hist: dict[str, Counter] = defaultdict(Counter)
    rows = (
        assessments.filter(asof.approved_during_q(year), first_submitted_at__isnull=False)
        .annotate(tenths=_TenthsOfDays(asof.COUNTS_FROM, "first_submitted_at"))
        .order_by()
        .values("province_id", "tenths")
        .annotate(n=Count("id"))
        .values_list("province_id", "tenths", "n")
    )
    for province, tenths, n in rows:
        hist[province][str(tenths)] += n
    return hist


def _lists(assessments, year: int) -> dict[str, dict]:
    """Per unit: the communities approved in `year` (as of its end; one revoked after it carries
    its `revoked_on`, today's state), those revoked during `year` (with the year of the approval
    revoked) and the demonstration communities of `year` (two queries, names joined)."""
    out: dict[str, dict] = defaultdict(
        lambda: {"approved_list": [], "revoked_list": [], "demonstration_list": []}
    )
    end = asof.year_end(year)
    decided = (
        assessments.filter(asof.approved_during_q(year) | asof.revoked_in_q(year))
        .annotate(late=ExpressionWrapper(_late_q(year), output_field=BooleanField()))
        .order_by("province_id", "county_id", "community_id", "year")
        .values_list(
            "province_id",
            "community_id",
            "community__name",
            "county__name",
            "street__name",
            "year",
            asof.COUNTS_UNTIL,
            "late",
        )
    )
    for province, code, name, county, street, of_year, revoked_at, late in decided:
        entry = {"code": code, "name": name, "county": county, "street": street}
        if revoked_at is not None and revoked_at < end:
            entry["revoked_on"] = _local_date(revoked_at)
            if of_year != year:
                entry["approved_year"] = of_year
            elif late:
                entry["late"] = True
            out[province]["revoked_list"].append(entry)
        else:
            if late:
                entry["late"] = True
            if revoked_at is not None:
                entry["revoked_since"] = _local_date(revoked_at)
            out[province]["approved_list"].append(entry)
    demos = (
        Demonstration.objects.filter(year=year, assessment__in=assessments.values("id"))
        .order_by("assessment__province_id", "assessment__county_id", "assessment__community_id")
        .values_list(
            "assessment__province_id",
            "assessment__community_id",
            "assessment__community__name",
            "assessment__county__name",
            "citation",
        )
    )
    for province, code, name, county, citation in demos:
        out[province]["demonstration_list"].append(
            {"code": code, "name": name, "county": county, "citation": citation}
        )
    return out


def _local_date(value) -> str | None:
    return value.astimezone(SHANGHAI).date().isoformat() if value else None


def _rows(groups: dict, names: dict, parent: dict | None = None) -> list[dict]:
    rows = []
    for code, counts in sorted(groups.items(), key=lambda item: item[0] or ""):
        row = {"code": code, "name": names.get(code, ""), **_finish(counts)}
        if parent is not None:
            row["parent"] = parent.get(code)
        rows.append(row)
    return rows


def units_figures_compute(*, year: int, province_codes: list[str] | None = None) -> dict[str, dict]:
    """Every figure of each provincial unit (all 32 when `province_codes` is None) for `year`.

    A fixed number of GROUP BY queries whatever the number of rows and units (the per-criterion
    counts: two queries per unit). The result is plain JSON and deterministic (sorted), so
    computing twice from the same data gives the same dicts."""
    units = list(
        provincial_units().filter(code__in=province_codes)
        if province_codes is not None
        else provincial_units()
    )
    codes = [u.code for u in units]
    communities, assessments, gone = _scope(year, codes if province_codes is not None else None)
    groups = _area_counts(
        year=year,
        communities=communities,
        assessments=assessments,
        keys={"province": "province_id", "city": "city_id", "county": "county_id"},
    )
    with_cities = set(
        Region.objects.filter(level=RegionLevel.CITY, province_id__in=codes)
        .values_list("province_id", flat=True)
        .distinct()
    )
    area_codes = {c for _p, city, county in groups for c in (city, county) if c}
    names = dict(Region.objects.filter(code__in=area_codes).values_list("code", "name"))
    totals = {code: _zero() for code in codes}
    cities: dict[str, dict] = defaultdict(lambda: defaultdict(_zero))
    counties: dict[str, dict] = defaultdict(lambda: defaultdict(_zero))
    parents: dict[str, str] = {}
    for (province, city, county), counts in groups.items():
        if province not in totals:
            continue
        _add(totals[province], counts)
        _add(counties[province][county], counts)
        parents[county] = city or province
        if province in with_cities:
            # Counties directly under the province (省直辖县级行政区划) stand at the city level.
            _add(cities[province][city or county], counts)
    hist = _turnaround_hist(assessments, year)
    lists = _lists(assessments, year)
    per_criterion = criteria.national_criterion_figures_by_unit(
        assessments=assessments, year=year, codes=codes
    )
    chains = chains_for(province_ids=codes, year=year)
    standards = standards_for(provinces=codes, year=year)
    out = {}
    for unit in units:
        code = unit.code
        unit_totals = _finish(totals[code])
        unit_totals["demonstrations"] = len(lists[code]["demonstration_list"])
        unit_totals["median_days"] = _median_tenths(hist[code])
        unit_totals["decided"] = sum(hist[code].values())
        unit_lists = lists[code]
        out[code] = {
            "year": year,
            "target": target_share(),
            "target_year": TARGET_YEAR,
            "province": {"code": code, "name": unit.name},
            "has_cities": code in with_cities,
            "registry_imported": unit_totals["registered"] > 0,
            "totals": unit_totals,
            # Per national criterion through the mapping, on the approved assessments.
            "criteria": per_criterion[code],
            "chain": list(chains[code]),
            **criteria.province_standard_figures(
                assessments=assessments, year=year, province_code=code, standard=standards[code]
            ),
            "turnaround_hist": dict(sorted(hist[code].items(), key=lambda kv: int(kv[0]))),
            "cities": _rows(cities[code], names),
            "counties": _rows(counties[code], names, parents),
            "approved_list": unit_lists["approved_list"],
            "revoked_list": unit_lists["revoked_list"],
            "demonstration_list": unit_lists["demonstration_list"],
        }
    return out


def unit_figures_compute(*, year: int, province_code: str) -> dict:
    """Every figure of one provincial unit for `year` (see units_figures_compute)."""
    return units_figures_compute(year=year, province_codes=[province_code])[province_code]


SUMMARY_KEYS = (
    "year",
    "target",
    "target_year",
    "province",
    "has_cities",
    "registry_imported",
    "totals",
    "criteria",
    "chain",
    "standard",
    "scores",
    "turnaround_hist",
)
AREA_KEYS = ("cities", "counties")
LIST_KEYS = ("approved_list", "revoked_list", "demonstration_list")


def unit_figures_split(figures: dict) -> dict:
    """The three stored columns of UnitFigures from a unit's figures."""
    return {
        "summary": {k: figures[k] for k in SUMMARY_KEYS},
        "areas": {k: figures[k] for k in AREA_KEYS},
        "lists": {k: figures[k] for k in LIST_KEYS},
    }


def unit_figures_assemble(row: UnitFigures) -> dict:
    return {**row.summary, **row.areas, **row.lists, "computed_at": row.computed_at.isoformat()}


def unit_figures_live(*, year: int, province_code: str) -> dict:
    """The live figures of one unit: the stored row (kept current by the services after every
    decision), or computed now when none is stored yet (nothing is written by a read)."""
    row = UnitFigures.objects.filter(province_id=province_code, year=year).first()
    if row is not None:
        return unit_figures_assemble(row)
    return unit_figures_compute(year=year, province_code=province_code)


def _is_count(key: str, value) -> bool:
    return key != "number" and isinstance(value, int) and not isinstance(value, bool)


def _compose_criteria(per_unit: list[list[dict]]) -> list[dict]:
    """The nation's per-criterion rows: each count summed over the units, each share divided again."""
    by_number: dict = {}
    for rows in per_unit:
        for row in rows:
            into = by_number.setdefault(
                row["number"],
                {k: v for k, v in row.items() if not _is_count(k, v) and k not in CRITERIA_SHARES},
            )
            for key, value in row.items():
                if _is_count(key, value):
                    into[key] = into.get(key, 0) + value
    composed = []
    for number in sorted(by_number):
        row = by_number[number]
        for share, (part, base) in CRITERIA_SHARES.items():
            if part in row or base in row:
                row[share] = _share(row.get(part, 0), row.get(base, 0))
        composed.append(row)
    return composed


def national_figures_compose(*, year: int, summaries: dict[str, dict]) -> dict:
    """The national figures of `year` from the units' summaries ({unit code: summary}): totals are
    sums, shares are divided again, the median review time comes from the merged histograms, and
    the units are ranked by share; a unit whose registry is not imported is not ranked."""
    names = dict(provincial_units().values_list("code", "name"))
    totals = {**_zero(), "demonstrations": 0}
    hist: Counter = Counter()
    units, unit_criteria = [], []
    for code, name in names.items():
        summary = summaries.get(code) or {}
        t = summary.get("totals") or _finish(_zero())
        _add(totals, t)
        totals["demonstrations"] += t.get("demonstrations", 0)
        hist.update(summary.get("turnaround_hist") or {})
        unit_criteria.append(summary.get("criteria") or [])
        units.append(
            {
                "code": code,
                "name": name,
                **{k: t.get(k, 0) for k in (*COUNTS, "late", *NAMING_COUNTS)},
                "waiting": t.get("waiting", {}),
                "share": t.get("share"),
                "participation": t.get("participation"),
                "demonstrations": t.get("demonstrations", 0),
                "registry_imported": t.get("registered", 0) > 0,
            }
        )
    _finish(totals)
    totals["median_days"] = _median_tenths(hist)
    totals["decided"] = sum(hist.values())
    ranked = sorted(
        (u for u in units if u["registry_imported"]),
        key=lambda u: (-(u["share"] or 0), -(u["participation"] or 0), u["code"]),
    )
    for rank, unit in enumerate(ranked, start=1):
        unit["rank"] = rank
    unranked = [u for u in units if not u["registry_imported"]]
    for unit in unranked:
        unit["rank"] = None
    composed_criteria = _compose_criteria(unit_criteria)
    return {
        "year": year,
        "target": target_share(),
        "target_year": TARGET_YEAR,
        "totals": totals,
        "criteria": composed_criteria,
        "units": ranked + unranked,
        "chain": list(workflow.LEVEL_KEYS),
        "local_standards": local_standards_in_force(year=year),
        "weakest_criteria": sorted(
            [c for c in composed_criteria if c.get("met_share") is not None], key=lambda c: c["met_share"]
        )[:5],
    }


def region_figures(*, year: int, province_code: str | None = None) -> dict:
    """Every figure of a provincial unit (or of the nation with province_code=None) for `year`,
    computed now from the database (the national ones composed from the 32 units computed now)."""
    if province_code:
        return unit_figures_compute(year=year, province_code=province_code)
    units = units_figures_compute(year=year)
    return national_figures_compose(
        year=year, summaries={code: {k: f[k] for k in SUMMARY_KEYS} for code, f in units.items()}
    )


def unit_summaries(*, year: int) -> dict[str, dict]:
    """The stored summaries of the units for `year`, with those not stored yet computed now."""
    summaries = dict(UnitFigures.objects.filter(year=year).values_list("province_id", "summary"))
    missing = [code for code in provincial_units().values_list("code", flat=True) if code not in summaries]
    if missing:
        for code, figures in units_figures_compute(year=year, province_codes=missing).items():
            summaries[code] = {k: figures[k] for k in SUMMARY_KEYS}
    return summaries


def national_figures_live(
    *, year: int, snapshot: NationalSnapshot | None = None
) -> tuple[dict, dt.datetime | None]:
    """The national figures of `year` as of the last decision, and when they were composed: the
    stored snapshot (recomposed after every refresh of a unit; pass it when already read), else
    composed now from the units."""
    if snapshot is None:
        snapshot = NationalSnapshot.objects.filter(year=year).only("figures", "compiled_at").first()
    if snapshot is not None and snapshot.figures.get("units"):
        return snapshot.figures, snapshot.compiled_at
    return national_figures_compose(year=year, summaries=unit_summaries(year=year)), None


def national_trend(*, until: int | None = None, current: dict | None = None) -> list[dict]:
    """The national share at the end of each year from 2020 to `until` (default: the current
    campaign year), for the line chart against the target; `current`: the national figures of one
    year to use instead of its stored snapshot (while that snapshot is being composed). One query:
    a year whose national figures were never composed has no point (share None) until the beat
    sweep (`figures_refresh_stale`) composes it."""
    stored = {
        row["year"]: row
        for row in NationalSnapshot.objects.filter(year__in=figure_years()).values(
            "year",
            "figures__totals__meeting",
            "figures__totals__registered",
            "figures__totals__participating",
        )
    }
    points = []
    for year in figure_years():
        if until is not None and year > until:
            break
        row = stored.get(year) or {}
        if current is not None and current.get("year") == year:
            totals = current["totals"]
            row = {
                "figures__totals__meeting": totals["meeting"],
                "figures__totals__registered": totals["registered"],
                "figures__totals__participating": totals["participating"],
            }
        meeting = row.get("figures__totals__meeting")
        registered = row.get("figures__totals__registered")
        points.append(
            {
                "year": year,
                "meeting": meeting,
                "registered": registered,
                "participating": row.get("figures__totals__participating"),
                "share": _share(meeting, registered) if meeting is not None and registered else None,
            }
        )
    return points


# --- drill-down: regions below the nation, and the communities behind a figure ----------------

LEVEL_COLUMN = {
    RegionLevel.PROVINCE: "province_id",
    RegionLevel.CITY: "city_id",
    RegionLevel.COUNTY: "county_id",
    RegionLevel.STREET: "street_id",
}


def figures_region_get(*, user, code: str) -> Region:
    """A region the user may explore (their own and below; the nation's units for the ministry),
    or Region.DoesNotExist (404 for both another region and no region)."""
    return (
        Region.objects.filter(region_tree_q(user)).select_related("province", "city", "county").get(pk=code)
    )


def _child_key(region: Region):
    """How the level below `region` is keyed: a province's cities (its counties for a municipality,
    which has districts, not cities), a city's counties, a county's streets."""
    if region.level == RegionLevel.PROVINCE:
        if Region.objects.filter(level=RegionLevel.CITY, province_id=region.code).exists():
            return RegionLevel.CITY, Coalesce("city_id", "county_id")
        return RegionLevel.COUNTY, "county_id"
    if region.level == RegionLevel.CITY:
        return RegionLevel.COUNTY, "county_id"
    if region.level == RegionLevel.COUNTY:
        return RegionLevel.STREET, "street_id"
    return None, None


def region_figures_table(*, year: int, region: Region) -> dict:
    """A region's figures of `year` and those of each region one level below, computed now from
    the database (three GROUP BY queries on the region's indexed column)."""
    column = LEVEL_COLUMN[region.level]
    communities, assessments, _gone = _scope(year, region_q=Q(**{column: region.code}))
    child_level, key = _child_key(region)
    groups = _area_counts(
        year=year, communities=communities, assessments=assessments, keys={"child": key or column}
    )
    row = _zero()
    for counts in groups.values():
        _add(row, counts)
    children = []
    if child_level is not None:
        regions = {
            r.code: r
            for r in Region.objects.filter(code__in=[k[0] for k in groups if k[0]]).only(
                "code", "name", "level"
            )
        }
        for (code,), counts in sorted(groups.items(), key=lambda item: item[0][0] or ""):
            child = regions.get(code)
            children.append(
                {
                    "code": code,
                    "name": child.name if child else "",
                    "level": child.level if child else child_level,
                    **_finish(counts),
                }
            )
    return {
        "year": year,
        "region": region,
        "row": _finish(row),
        "children": children,
        "child_level": child_level,
    }


def figure_communities(*, user, year: int, region: Region, figure: str) -> QuerySet[Community]:
    """The communities behind one figure of a region and year, in the caller's scope, with the
    state of their assessment of that year: the list a figure on the drill-down pages links to."""
    if figure not in FIGURES:
        raise ValueError(figure)
    this_year = Assessment.objects.filter(community_id=OuterRef("code"), year=year)
    qs = (
        Community.objects.visible_to(user)
        .registered_in(year)
        .filter(**{LEVEL_COLUMN[region.level]: region.code})
        .select_related("street", "county")
        .annotate(
            state=Subquery(this_year.values("state")[:1]),
            assessment_id=Subquery(this_year.values("id")[:1]),
            approved_at=Subquery(this_year.values("approved_at")[:1]),
        )
        .order_by("code")
    )
    participating = this_year.exclude(state=State.DRAFT)
    states = {
        "submitted": [State.SUBMITTED, State.RECOMMENDED, State.PROPOSED, State.APPROVED, State.REVOKED],
        "returned": [State.RETURNED],
    }
    as_of = {
        "approved": this_year.filter(asof.approved_in_q(year)),
        "revoked_since": this_year.filter(asof.revoked_since_q(year)),
        # Revocations during the year, of an approval of any year.
        "revoked": Assessment.objects.filter(asof.revoked_in_q(year), community_id=OuterRef("code")),
    }
    if figure in as_of:
        qs = qs.filter(Exists(as_of[figure]))
    elif figure == "participating":
        qs = qs.filter(Exists(participating))
    elif figure == "not_participating":
        qs = qs.exclude(Exists(participating))
    elif figure in states:
        qs = qs.filter(Exists(this_year.filter(state__in=states[figure])))
    elif figure == "meeting":
        meeting = Assessment.objects.filter(_meeting_q(year), community_id=OuterRef("code"))
        # The approval that makes it meet the requirements (the latest, whatever its year).
        qs = qs.filter(Exists(meeting)).annotate(
            approved_at=Subquery(meeting.order_by("-approved_at").values("approved_at")[:1])
        )
    elif figure.startswith("waiting_"):
        level = figure.removeprefix("waiting_")
        qs = qs.filter(Exists(this_year.filter(state__in=IN_REVIEW, review_level=level)))
    return qs


# --- report status -----------------------------------------------------------------------------


def report_status(*, year: int, today: dt.date) -> list[dict]:
    """Report status of every provincial unit: on time / late / not yet / missing, with days left."""
    reports = {
        r["province_id"]: r
        for r in AnnualReport.objects.filter(year=year).values(
            "id", "province_id", "state", "is_late", "submitted_at"
        )
    }
    deadline = report_deadline(year)
    rows = []
    for code, name in provincial_units().values_list("code", "name"):
        r = reports.get(code)
        if r and r["state"] == "submitted":
            status = "late" if r["is_late"] else "on_time"
        elif r and r["is_late"]:
            status = "missing"
        else:
            status = "not_yet" if today <= deadline else "missing"
        rows.append(
            {
                "code": code,
                "name": name,
                "report_id": r["id"] if r else None,
                "state": r["state"] if r else "",
                "status": status,
                "submitted_at": r["submitted_at"].isoformat() if r and r["submitted_at"] else None,
                "days_left": (deadline - today).days if status == "not_yet" else None,
                # Not submitted and past the deadline: how long overdue (已逾期 N 天).
                "overdue_days": (today - deadline).days if status == "missing" and today > deadline else None,
            }
        )
    return rows


def report_status_counts(rows: list[dict]) -> dict:
    """The counts of the status cards, from the very rows the table shows."""
    counts = dict.fromkeys(("on_time", "late", "not_yet", "missing"), 0)
    for r in rows:
        counts[r["status"]] += 1
    counts["submitted"] = counts["on_time"] + counts["late"]
    counts["total"] = len(rows)
    return counts


def annual_report_list(
    *, user, year: int | None = None, province: str | None = None
) -> QuerySet[AnnualReport]:
    return annual_reports_filtered(AnnualReport.objects.visible_to(user), year=year, province=province)


def annual_reports_filtered(qs, *, year: int | None = None, province: str | None = None):
    """Narrow an already scoped queryset of reports by year and provincial unit."""
    qs = qs.select_related("province")
    if year:
        qs = qs.filter(year=year)
    if province:
        qs = qs.filter(province_id=province.ljust(12, "0"))
    return qs


def access_report(*, user, pk) -> AnnualReport:
    """The annual report `pk` in the caller's scope, or NotFoundError for unknown and foreign alike:
    the one fetch-and-check of reports (pages, PDFs, API)."""
    try:
        return AnnualReport.objects.visible_to(user).select_related("province", "submitted_by").get(pk=pk)
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("This report does not exist.")) from None


def national_snapshot_get(*, user, year: int) -> NationalSnapshot:
    """The national snapshot: ministry and administrators, and (its PDF) the co-ministries' national
    accounts (DoesNotExist for everyone else)."""
    if not can_read_national_pdf(user):
        raise NationalSnapshot.DoesNotExist
    return NationalSnapshot.objects.get(year=year)


def compile_job_get(*, user, pk) -> CompileJob:
    return CompileJob.objects.visible_to(user).get(pk=pk)


def report_changes_since_submission(*, report: AnnualReport) -> list[dict]:
    """For a submitted report: each headline figure as submitted and as it stands now (live), the
    rows that differ first. Empty for a report that is not submitted."""
    if report.state != "submitted" or not report.figures:
        return []
    then = report.figures.get("totals", {})
    now = unit_figures_live(year=report.year, province_code=report.province_id)["totals"]
    rows = []
    for key in (*COUNTS, "demonstrations"):
        before, after = then.get(key), now.get(key)
        if before is None and after is None:
            continue
        rows.append({"key": key, "then": before, "now": after, "delta": (after or 0) - (before or 0)})
    rows.extend(
        {"key": key, "then": then.get(key), "now": now.get(key), "delta": None, "share": True}
        for key in ("share", "participation")
    )
    return rows
