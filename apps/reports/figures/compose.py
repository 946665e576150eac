"""Composing figures from figures already computed: the nation from its 32 units' summaries
(`national_figures_compose`: totals summed, shares divided again, the median review time from the
merged histograms, the units ranked), a unit or the nation computed now (`region_figures`) and the national
share year by year against the target (`national_trend`). Never reads every assessment again."""

from collections import Counter

from apps.core import versioned
from apps.core.campaign import NATIONAL_TARGET_YEAR, target_share
from apps.regions.selectors import provincial_units
from apps.review import workflow
from apps.standards.selectors import local_standards_in_force

from ..models import NationalSnapshot
from .compute import unit_figures_compute, unit_summary, units_figures_compute
from .counts import COUNTS, NAMING_COUNTS, add_row, figure_years, finish_row, median_tenths, share, zero_row
from .criteria import criteria_compose

# The version of the national snapshots' cached reads (apps.core.versioned): every save or delete
# of a snapshot drops it (apps/reports/apps.py).
SNAPSHOTS_VERSION = "national-snapshots"


def national_figures_compose(*, year: int, summaries: dict[str, dict]) -> dict:
    """The national figures of `year` from the units' summaries ({unit code: summary}): totals are
    sums, shares are divided again, the median review time comes from the merged histograms, and
    the units are ranked by share; a unit whose registry is not imported is not ranked."""
    names = dict(provincial_units().values_list("code", "name"))
    totals = {**zero_row(), "demonstrations": 0}
    hist: Counter = Counter()
    units, unit_criteria = [], []
    for code, name in names.items():
        summary = summaries.get(code) or {}
        t = summary.get("totals") or finish_row(zero_row())
        add_row(totals, t)
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
    finish_row(totals)
    totals["median_days"] = median_tenths(hist)
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
    composed_criteria = criteria_compose(unit_criteria)
    return {
        "year": year,
        "target": target_share(),
        "target_year": NATIONAL_TARGET_YEAR,
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
    return national_figures_compose(year=year, summaries={code: unit_summary(f) for code, f in units.items()})


def national_trend(*, until: int | None = None, current: dict | None = None) -> list[dict]:
    """The national share at the end of each year from 2020 to `until` (default: the current
    campaign year), for the line chart against the target; `current`: the national figures of one
    year to use instead of its stored snapshot (while that snapshot is being composed). One query:
    a year whose national figures were never composed has no point (share None) until the beat
    sweep (`figures_refresh_stale`) composes it."""
    years = figure_years()
    stored = versioned.cached(
        SNAPSHOTS_VERSION,
        f"trend:{years[0]}-{years[-1]}",
        lambda: {
            row["year"]: row
            for row in NationalSnapshot.objects.filter(year__in=years).values(
                "year",
                "figures__totals__meeting",
                "figures__totals__registered",
                "figures__totals__participating",
            )
        },
    )
    points = []
    for year in years:
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
                "share": share(meeting, registered) if meeting is not None and registered else None,
            }
        )
    return points
