"""Computing a unit's figures from the database (docs/figures.md): the registry of a year and the
assessments of its communities (`registry_scope`), the counts grouped by area (`area_counts`), the
review times, the lists of communities approved, revoked and designated, the per-criterion and
score figures (`criteria`), all in `units_figures_compute`: a fixed number of GROUP BY queries
whatever the number of units and rows, never a Python loop over assessments.

What the computed figures of a unit are made of (`SUMMARY_KEYS`, `AREA_KEYS`, `LIST_KEYS`) is
said here too: the three stored columns of UnitFigures (`unit_figures_split`) and the summary the
nation is composed from (`unit_summary`)."""

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
)

from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.core import campaign as _campaign
from apps.core.campaign import NATIONAL_TARGET_YEAR, target_share
from apps.core.db import jit_off
from apps.naming.selectors import stage_aggregates
from apps.regions.models import Region, RegionLevel
from apps.regions.selectors import provincial_units
from apps.review.models import Demonstration
from apps.review.selectors import chains_for
from apps.standards.selectors import standards_for

from . import asof, criteria
from .counts import (
    COUNTS,
    IN_REVIEW,
    NAMING_COUNTS,
    REVIEW_LEVELS,
    SUBMITTED_STATES,
    add_row,
    finish_row,
    median_tenths,
    zero_row,
)


def registry_scope(year: int, province_codes=None, region_q: Q | None = None):
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


def late_q(year: int) -> Q:
    """Assessments first submitted after the community deadline of `year` (a Shanghai date): from
    midnight after 31 October in Asia/Shanghai; the last submission when no first one is stamped
    (as apps.core.campaign.community_submission_late reads it)."""
    after = dt.datetime.combine(
        _campaign.community_deadline(year) + dt.timedelta(days=1), dt.time(), tzinfo=asof.SHANGHAI
    )
    return Q(first_submitted_at__gte=after) | Q(first_submitted_at__isnull=True, submitted_at__gte=after)


def area_counts(*, year: int, communities, assessments, keys: dict) -> dict[tuple, dict]:
    """Registered, participating, submitted, approved, revoked, returned, waiting per level,
    meeting and late, grouped by `keys` ({name: field or expression}): two GROUP BY queries."""
    names = list(keys)
    groups: dict[tuple, dict] = defaultdict(zero_row)

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
    counted = (*COUNTS[1:], "late", *NAMING_COUNTS)
    # One pass over the assessments for the year's counts, its revocations and the cumulative one.
    for row in grouped(
        assessments.filter(this_year | asof.meeting_q(year) | asof.revoked_in_q(year)),
        participating=Count("id", filter=this_year & ~Q(state=State.DRAFT)),
        submitted=Count("id", filter=this_year & Q(state__in=SUBMITTED_STATES)),
        approved=Count("id", filter=asof.approved_in_q(year)),
        revoked=Count("id", filter=asof.revoked_in_q(year)),
        revoked_since=Count("id", filter=asof.revoked_since_q(year)),
        returned=Count("id", filter=this_year & Q(state=State.RETURNED)),
        meeting=Count("community_id", distinct=True, filter=asof.meeting_q(year)),
        late=Count("id", filter=this_year & late_q(year)),
        **{k: v for k, v in stage_aggregates(within=this_year).items() if k in NAMING_COUNTS},
        **waiting,
    ):
        group = groups[key_of(row)]
        for key in counted:
            group[key] = row[key]
        group["waiting"] = {level: row[f"w_{level}"] for level in REVIEW_LEVELS}
    return groups


class _TenthsOfDays(Func):
    """Whole tenths of a day between two timestamps, computed by the database (so the histogram is
    one small GROUP BY, not one fetched row per approval)."""

    output_field = IntegerField()

    def get_db_converters(self, connection):
        # Both databases give an integer already (`::integer`, `CAST AS INTEGER`): no converter
        # per row (the lists' query reads every decided assessment of the year).
        return []

    def as_sql(self, compiler, connection, **extra):
        later, earlier = (compiler.compile(e) for e in self.get_source_expressions())
        params = [*later[1], *earlier[1]]
        if connection.vendor == "postgresql":
            return f"ROUND(EXTRACT(EPOCH FROM ({later[0]} - {earlier[0]})) / 8640)::integer", params
        return f"CAST(ROUND((julianday({later[0]}) - julianday({earlier[0]})) * 10) AS INTEGER)", params


def _lists(assessments, demonstrations, year: int, names: dict) -> tuple[dict[str, dict], dict[str, Counter]]:
    """Per unit: the communities approved in `year` (as of its end; one revoked after it carries
    its `revoked_on`, today's state), those revoked during `year` (with the year of the approval
    revoked) and the demonstration communities of `year` (`demonstrations`, those of the same
    assessments); and the review times of the approvals during `year`: the days from first
    submission to the province's approval, as a histogram in tenths of a day (composable: the
    nation's median from the units' histograms), counted from the same rows (the approvals of the
    year are among them). Two queries, the community and street names joined; the county names
    from `names` (the areas' names, read already), completed by one query for any missing."""
    out: dict[str, dict] = defaultdict(
        lambda: {"approved_list": [], "revoked_list": [], "demonstration_list": []}
    )
    hist: dict[str, Counter] = defaultdict(Counter)
    end = asof.year_end(year)
    decided = (
        assessments.filter(asof.approved_during_q(year) | asof.revoked_in_q(year))
        .annotate(
            late=ExpressionWrapper(late_q(year), output_field=BooleanField()),
            during=ExpressionWrapper(asof.approved_during_q(year), output_field=BooleanField()),
            # None without a first submission (and so not in the histogram).
            tenths=_TenthsOfDays(asof.COUNTS_FROM, "first_submitted_at"),
        )
        .order_by("province_id", "county_id", "community_id", "year")
        .values_list(
            "province_id",
            "community_id",
            "community__name",
            "county_id",
            "street__name",
            "year",
            asof.COUNTS_UNTIL,
            "late",
            "during",
            "tenths",
        )
    )
    decided = list(decided)
    demos = list(
        demonstrations.order_by(
            "assessment__province_id", "assessment__county_id", "assessment__community_id"
        ).values_list(
            "assessment__province_id",
            "assessment__community_id",
            "assessment__community__name",
            "assessment__county_id",
            "citation",
        )
    )
    missing = {row[3] for rows in (decided, demos) for row in rows} - names.keys()
    if missing:
        names.update(Region.objects.filter(code__in=missing).values_list("code", "name"))
    for province, code, name, county_id, street, of_year, revoked_at, late, during, tenths in decided:
        county = names[county_id]
        if during and tenths is not None:
            hist[province][str(tenths)] += 1
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
    for province, code, name, county_id, citation in demos:
        out[province]["demonstration_list"].append(
            {"code": code, "name": name, "county": names[county_id], "citation": citation}
        )
    return out, hist


def _local_date(value) -> str | None:
    return value.astimezone(asof.SHANGHAI).date().isoformat() if value else None


def _rows(groups: dict, names: dict, parent: dict | None = None) -> list[dict]:
    rows = []
    for code, counts in sorted(groups.items(), key=lambda item: item[0] or ""):
        row = {"code": code, "name": names.get(code, ""), **finish_row(counts)}
        if parent is not None:
            row["parent"] = parent.get(code)
        rows.append(row)
    return rows


def units_figures_compute(*, year: int, province_codes: list[str] | None = None) -> dict[str, dict]:
    """Every figure of each provincial unit (all 32 when `province_codes` is None) for `year`.

    A fixed number of GROUP BY queries whatever the number of rows and units. The result is plain
    JSON and deterministic (sorted), so computing twice from the same data gives the same dicts.
    PostgreSQL's JIT is off for them (`jit_off`: the area counts' estimate set it off)."""
    with jit_off():
        return _units_figures_compute(year=year, province_codes=province_codes)


def _units_figures_compute(*, year: int, province_codes: list[str] | None) -> dict[str, dict]:
    units = list(
        provincial_units().filter(code__in=province_codes)
        if province_codes is not None
        else provincial_units()
    )
    codes = [u.code for u in units]
    communities, assessments, gone = registry_scope(year, codes if province_codes is not None else None)
    groups = area_counts(
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
    totals = {code: zero_row() for code in codes}
    cities: dict[str, dict] = defaultdict(lambda: defaultdict(zero_row))
    counties: dict[str, dict] = defaultdict(lambda: defaultdict(zero_row))
    parents: dict[str, str] = {}
    for (province, city, county), counts in groups.items():
        if province not in totals:
            continue
        add_row(totals[province], counts)
        add_row(counties[province][county], counts)
        parents[county] = city or province
        if province in with_cities:
            # Counties directly under the province (省直辖县级行政区划) stand at the city level.
            add_row(cities[province][city or county], counts)
    # The year's demonstrations of the same assessments (`registry_scope`), from the few
    # demonstrations' side: an IN list of every assessment's id read all of them (and with NOT IN
    # the planner scanned every assessment again; NOT EXISTS looks up each one's community).
    demonstrations = Demonstration.objects.filter(year=year).exclude(
        Exists(gone.filter(code=OuterRef("assessment__community_id")))
    )
    if province_codes is not None:
        demonstrations = demonstrations.filter(assessment__province_id__in=codes)
    lists, hist = _lists(assessments, demonstrations, year, names)
    per_criterion = criteria.national_criterion_figures_by_unit(
        assessments=assessments,
        year=year,
        codes=codes,
        # The approved of each unit, counted by area_counts already.
        bases={code: row["approved"] for code, row in totals.items()},
    )
    chains = chains_for(province_ids=codes, year=year)
    standards = standards_for(provinces=codes, year=year)
    out = {}
    for unit in units:
        code = unit.code
        unit_totals = finish_row(totals[code])
        unit_totals["demonstrations"] = len(lists[code]["demonstration_list"])
        unit_totals["median_days"] = median_tenths(hist[code])
        unit_totals["decided"] = sum(hist[code].values())
        unit_lists = lists[code]
        out[code] = {
            "year": year,
            "target": target_share(),
            "target_year": NATIONAL_TARGET_YEAR,
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
        "summary": unit_summary(figures),
        "areas": {k: figures[k] for k in AREA_KEYS},
        "lists": {k: figures[k] for k in LIST_KEYS},
    }


def unit_summary(figures: dict) -> dict:
    """The summary of a unit's figures: what the nation is composed from (without areas and lists)."""
    return {k: figures[k] for k in SUMMARY_KEYS}
