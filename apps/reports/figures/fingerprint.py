"""What the stored figures were computed from, and whether they still equal a recount.

- `units_fingerprints`: per provincial unit and year, a fingerprint of the inputs the figures of
  that year read: the unit's registry (count, latest change, the dates of its lives), its
  assessments of that year and every earlier one (count, highest id, latest change, count per
  state, the approval and revocation stamps: meeting the requirements is cumulative and a
  revocation counts in the year it happens) and its demonstrations of the year. Three GROUP BY
  queries for every unit and year at once, whatever wrote the rows (a service, an import, a
  restore, SQL typed by hand): stored with the figures (`UnitFigures.fingerprint`), compared by the
  healing task (`store.figures_heal`).
- `figures_verify`: every stored unit-year (and national snapshot) against a full recount now.
"""

import hashlib
import json
from collections import defaultdict

from django.db.models import Count, F, Max, Q

from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.regions.selectors import provincial_units
from apps.review.models import Demonstration

from ..models import NationalSnapshot, UnitFigures
from . import asof
from .compose import national_figures_compose
from .compute import unit_figures_split, units_figures_compute

# What the stored figures hold. Bump it when a change of code adds or redefines a figure (the naming
# stages: 2): every stored row then differs from its inputs' fingerprint, and the next healing run
# recomputes them all, instead of showing 0 for a figure the old rows lack.
FIGURES_SHAPE = 2


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, default=str, sort_keys=True).encode()).hexdigest()


def units_fingerprints(*, years, province_codes: list[str] | None = None) -> dict[tuple[str, int], str]:
    """{(unit, year): fingerprint} for every unit (or `province_codes`) and each of `years`."""
    years = sorted(set(years))
    codes = (
        list(province_codes)
        if province_codes is not None
        else list(provincial_units().values_list("code", flat=True))
    )
    communities = Community.objects.filter(province_id__in=codes) if province_codes else Community.objects
    registry = {
        row.pop("province_id"): row
        for row in communities.order_by()
        .values("province_id")
        .annotate(
            n=Count("code"),
            changed=Max("updated_at"),
            established=Max("established_on"),
            n_established=Count("established_on"),
            retired=Max("retired_on"),
            n_retired=Count("retired_on"),
        )
    }
    assessments = Assessment.objects.filter(year__lte=years[-1]) if years else Assessment.objects.none()
    if province_codes:
        assessments = assessments.filter(province_id__in=codes)
    by_year: dict[str, dict[int, dict]] = defaultdict(dict)
    for row in (
        assessments.order_by()
        .values("province_id", "year")
        .annotate(
            n=Count("id"),
            last_id=Max("id"),
            changed=Max("updated_at"),
            **{f"n_{state}": Count("id", filter=Q(state=state)) for state in State.values},
            n_from=Count(asof.COUNTS_FROM),
            last_from=Max(asof.COUNTS_FROM),
            n_until=Count(asof.COUNTS_UNTIL),
            last_until=Max(asof.COUNTS_UNTIL),
            last_submitted=Max("submitted_at"),
        )
    ):
        by_year[row.pop("province_id")][row.pop("year")] = row
    demonstrations = Demonstration.objects.filter(year__in=years)
    if province_codes:
        demonstrations = demonstrations.filter(assessment__province_id__in=codes)
    demos: dict[tuple[str, int], dict] = {
        (row.pop("unit"), row.pop("year")): row
        for row in demonstrations.order_by()
        .values("year", unit=F("assessment__province_id"))
        .annotate(n=Count("id"), last_id=Max("id"), changed=Max("designated_at"))
    }
    out = {}
    for code in codes:
        unit_years = by_year.get(code, {})
        for year in years:
            out[(code, year)] = _digest(
                {
                    "shape": FIGURES_SHAPE,
                    "registry": registry.get(code),
                    "assessments": sorted((y, row) for y, row in unit_years.items() if y <= year),
                    "demonstrations": demos.get((code, year)),
                }
            )
    return out


def _differences(stored, fresh, path: str = "") -> list[str]:
    """The paths where two JSON values differ."""
    if stored == fresh:
        return []
    if isinstance(stored, dict) and isinstance(fresh, dict):
        out = []
        for key in sorted(set(stored) | set(fresh), key=lambda k: (k != "totals", str(k))):
            out += _differences(stored.get(key), fresh.get(key), f"{path}.{key}" if path else str(key))
        return out
    if isinstance(stored, list) and isinstance(fresh, list) and len(stored) == len(fresh):
        out = []
        for i, (a, b) in enumerate(zip(stored, fresh, strict=True)):
            out += _differences(a, b, f"{path}[{i}]")
        return out
    if stored != fresh:
        short = (
            (len(stored), len(fresh))
            if isinstance(stored, list) and isinstance(fresh, list)
            else (stored, fresh)
        )
        return [f"{path}: stored {short[0]!r}, recount {short[1]!r}"]
    return []


# The national figures that are not counts of the year: the report status depends on today, the
# trend on the other years' snapshots (each verified as its own year).
NATIONAL_NOT_COUNTED = ("report_status", "trend")


def figures_verify(*, years) -> list[str]:
    """Every stored figure of `years` against a full recount now (`units_figures_compute`, the
    national composition of the recounted units): one line per difference, naming the unit, the
    year and the figure ("320000000000 2023 totals.approved: stored 0, recount 812"). A unit-year
    never stored is a difference too. Reads only."""

    problems = []
    for year in sorted(set(years)):
        fresh = units_figures_compute(year=year)
        stored = {row.province_id: row for row in UnitFigures.objects.filter(year=year)}
        for code in sorted(fresh):
            row = stored.get(code)
            if row is None:
                problems.append(f"{code} {year}: no stored figures")
                continue
            for column, value in unit_figures_split(fresh[code]).items():
                if getattr(row, column) == value:
                    continue
                value = json.loads(json.dumps(value))  # as stored (tuples are lists)
                problems.extend(
                    f"{code} {year} {line}" for line in _differences(getattr(row, column), value)[:5]
                )
        snapshot = NationalSnapshot.objects.filter(year=year).first()
        summaries = {code: unit_figures_split(f)["summary"] for code, f in fresh.items()}
        nation = national_figures_compose(year=year, summaries=summaries)
        if snapshot is None:
            problems.append(f"nation {year}: no stored snapshot")
            continue
        kept = {k: v for k, v in snapshot.figures.items() if k not in NATIONAL_NOT_COUNTED}
        problems.extend(
            f"nation {year} {line}" for line in _differences(kept, json.loads(json.dumps(nation)))[:5]
        )
    return problems
