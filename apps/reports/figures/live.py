"""The live figures pages, PDFs and the API read: a unit's stored row (kept current after every
decision by `store`), the national snapshot, or, where nothing is stored yet, the figures computed
now. Reads only: nothing is written by a read."""

import datetime as dt

from apps.regions.selectors import provincial_units

from ..models import NationalSnapshot, UnitFigures
from .compose import national_figures_compose
from .compute import unit_figures_compute, unit_summary, units_figures_compute


def unit_figures_assemble(row: UnitFigures) -> dict:
    """A unit's figures from its stored row (the three columns joined), with when they were computed."""
    return {**row.summary, **row.areas, **row.lists, "computed_at": row.computed_at.isoformat()}


def unit_figures_live(*, year: int, province_code: str) -> dict:
    """The live figures of one unit: the stored row (kept current by the services after every
    decision), or computed now when none is stored yet (nothing is written by a read)."""
    row = UnitFigures.objects.filter(province_id=province_code, year=year).first()
    if row is not None:
        return unit_figures_assemble(row)
    return unit_figures_compute(year=year, province_code=province_code)


def unit_summaries(*, year: int) -> dict[str, dict]:
    """The stored summaries of the units for `year`, with those not stored yet computed now."""
    summaries = dict(UnitFigures.objects.filter(year=year).values_list("province_id", "summary"))
    missing = [code for code in provincial_units().values_list("code", flat=True) if code not in summaries]
    if missing:
        for code, figures in units_figures_compute(year=year, province_codes=missing).items():
            summaries[code] = unit_summary(figures)
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
