"""The services that keep the stored figures current: after every decision a unit's figures are
recomputed and stored (`unit_figures_refresh_on_commit`, merged per transaction), with its draft
report's; the national snapshot is composed again from the units (`national_snapshot_compile`);
the healing task recomputes whatever differs from its inputs (`figures_heal`). Each one atomic,
idempotent and safe to run concurrently (row locks taken in code order)."""

import datetime as dt
import logging
import threading
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import campaign
from apps.regions.selectors import provincial_units

from ..models import AnnualReport, NationalSnapshot, ReportState, UnitFigures
from ..selectors import report_status
from . import fingerprint
from .compose import national_figures_compose, national_trend
from .compute import unit_figures_split, units_figures_compute
from .counts import figure_years
from .live import unit_summaries

log = logging.getLogger(__name__)


def national_snapshot_compile(*, year: int) -> NationalSnapshot:
    """Compose the national figures of `year` from the 32 units' stored figures (those never
    stored are computed first) with the report status, in one write under the snapshot's lock.

    Idempotent: equal figures leave the stored snapshot as it is. Called after every refresh of a
    unit (so the national dashboard is live) and by the year's compile once every unit is done."""
    with transaction.atomic():
        snapshot = NationalSnapshot.objects.select_for_update().filter(year=year).first()
        if snapshot is None:
            # The first composition of the year: a concurrent one creates it too, one of them wins.
            try:
                with transaction.atomic():
                    snapshot = NationalSnapshot.objects.create(
                        year=year, figures={}, compiled_at=timezone.now()
                    )
            except IntegrityError:
                snapshot = NationalSnapshot.objects.select_for_update().get(year=year)
            snapshot = NationalSnapshot.objects.select_for_update().get(pk=snapshot.pk)
        # Read under the lock: a composition that waited sees every unit committed before it.
        figures = national_figures_compose(year=year, summaries=unit_summaries(year=year))
        figures["report_status"] = report_status(year=year, today=campaign.today())
        # The progress of every year, so that the PDF is reproduced from this snapshot alone.
        figures["trend"] = national_trend(until=year, current=figures)
        if snapshot.figures != figures:
            snapshot.figures = figures
            snapshot.compiled_at = timezone.now()
            snapshot.save(update_fields=["figures", "compiled_at"])
    return snapshot


def _store_unit(*, province_id: str, year: int, figures: dict, fingerprint: str = "") -> UnitFigures:
    """Store one unit's figures (with the fingerprint of the inputs they were computed from) and
    hand them to its draft (or returned) report of that year. Caller holds the UnitFigures row lock."""
    columns = unit_figures_split(figures)
    now = timezone.now()
    row, created = UnitFigures.objects.get_or_create(
        province_id=province_id,
        year=year,
        defaults={**columns, "computed_at": now, "fingerprint": fingerprint},
    )
    if not created:
        row.summary, row.areas, row.lists, row.computed_at, row.fingerprint = (
            columns["summary"],
            columns["areas"],
            columns["lists"],
            now,
            fingerprint,
        )
        row.save(update_fields=["summary", "areas", "lists", "computed_at", "fingerprint"])
    report = (
        AnnualReport.objects.select_for_update()
        .filter(province_id=province_id, year=year)
        .exclude(state=ReportState.SUBMITTED)
        .first()
    )
    if report is not None and report.figures != figures:
        report.figures = figures
        report.compiled_at = now
        report.save(update_fields=["figures", "compiled_at", "updated_at"])
    return row


def _lock_units(codes: list[str], year: int) -> None:
    """Serialize the refreshes of these units and year: a refresh that waited computes after the
    previous one committed, so the last write is never computed from older data. Rows missing
    are created first; the locks are taken in one query, in code order (two refreshes of
    overlapping units cannot deadlock)."""
    stale = timezone.now() - dt.timedelta(days=3650)
    UnitFigures.objects.bulk_create(
        [UnitFigures(province_id=code, year=year, computed_at=stale) for code in codes], ignore_conflicts=True
    )
    list(
        UnitFigures.objects.select_for_update()
        .filter(province_id__in=codes, year=year)
        .order_by("province_id")
        .values_list("pk", flat=True)
    )


def _refresh_year(year: int, codes: list[str] | None = None) -> int:
    """One year's figures of `codes` (every unit when None), in one transaction: locked, computed
    in ONE grouped pass, stored (with their draft reports). Returns the units stored.

    Races: whoever refreshes a unit-year (a decision's after-commit refresh, the healing task, an
    import) waits for its row lock, then reads what is committed by then, so the last write is
    never computed from older data than an earlier one. The fingerprint is read BEFORE the
    figures: a decision committing in between leaves a fingerprint older than the figures (the
    healing task recomputes once more, harmless), never the reverse (a change hidden for good)."""
    with transaction.atomic():
        locked = (
            sorted(codes) if codes is not None else list(provincial_units().values_list("code", flat=True))
        )
        _lock_units(locked, year)
        prints = fingerprint.units_fingerprints(
            years=[year], province_codes=None if codes is None else locked
        )
        computed = units_figures_compute(year=year, province_codes=None if codes is None else locked)
        for code in locked:
            _store_unit(province_id=code, year=year, figures=computed[code], fingerprint=prints[(code, year)])
    return len(locked)


def unit_figures_refresh(*, province_id: str, years, compose_national: bool = True) -> None:
    """Recompute the figures of one provincial unit for each of `years`, store them, update its
    draft report, then (by default) recompose the national figures of those years.

    Idempotent and safe to run concurrently (the unit's row is locked while it is computed, the
    national snapshot while it is composed). Anyone's decision may trigger it: it reads and
    writes figures only. A year's figures are computed and stored in one transaction."""
    for year in sorted(set(years)):
        _refresh_year(year, [province_id])
        if compose_national:
            national_snapshot_compile(year=year)


def figures_years_from(year: int) -> list[int]:
    """The years whose figures a change in `year` can move: that year and every later one up to
    the current campaign year (meeting the requirements is cumulative; the registry of a year is
    the registry at its end)."""
    last = max(figure_years()[-1], year)
    return list(range(max(year, campaign.FIRST_YEAR), last + 1))


_pending = threading.local()


def unit_figures_refresh_on_commit(*, province_id: str, year: int) -> None:
    """THE call every decision makes (submit, recommend, return, approve, revoke, designate,
    registry changes and imports): once the caller's transaction commits, the unit's figures of
    `year` and the later years are recomputed and stored, and the national figures recomposed, in
    the same request (well under a second for the largest unit).

    Calls within one transaction are merged (a bulk approval of 50 refreshes once). A refresh that
    fails is logged and leaves the decision committed; the healing task (`figures_heal`, beat)
    catches up. Outside a transaction it runs at once."""
    pending = getattr(_pending, "units", None)
    registered = transaction.get_connection().run_on_commit
    if pending is None or not any(func is _refresh_pending for _sids, func, _robust in registered):
        # Nothing of ours waits for a commit: units left here by a rolled-back transaction are
        # not refreshed by the next one.
        pending = _pending.units = {}
    pending[province_id] = min(year, pending.get(province_id, year))
    transaction.on_commit(_refresh_pending, robust=True)


def _refresh_pending() -> None:
    pending = getattr(_pending, "units", None) or {}
    _pending.units = {}
    if len(pending) == 1:
        ((province_id, year),) = pending.items()
        unit_figures_refresh(province_id=province_id, years=figures_years_from(year))
    elif pending:
        units_figures_refresh(pending=pending)


def units_figures_refresh(*, pending: dict[str, int]) -> None:
    """The refresh of several units at once ({unit: first year}, e.g. after a national import):
    per year, ONE grouped pass over the units that year concerns (not one per unit), then the
    national figures of that year composed once."""
    by_year: dict[int, list[str]] = defaultdict(list)
    for province_id, first in pending.items():
        for year in figures_years_from(first):
            by_year[year].append(province_id)
    for year, codes in sorted(by_year.items()):
        _refresh_year(year, codes)
        national_snapshot_compile(year=year)


def figures_refresh_all(*, years=None) -> int:
    """Recompute every unit's figures for `years` (default: every campaign year), one grouped pass
    per year, store them, update the draft reports and recompose the national figures. Used by
    `manage.py refresh_figures`, the demo data and the bench. Returns the rows written."""
    written = 0
    for year in sorted(set(years or figure_years())):
        written += _refresh_year(year)
        national_snapshot_compile(year=year)
    return written


def figures_heal(*, years=None) -> list[tuple[str, int]]:
    """The healing task (beat, every 5 minutes): compare the inputs of every unit-year's figures
    with the fingerprint they were computed from (`fingerprint.units_fingerprints`, three grouped
    queries for the nation), recompute and store those that differ or were never computed (one
    grouped pass per year over the units concerned, under their row locks), recompose the national
    figures of those years, and log each repair. Whatever wrote the inputs (a service whose
    after-commit refresh failed, a bulk load, a restore, SQL by hand), the figures become current
    within one beat period. Idempotent; usually finds nothing. Returns the (unit, year) repaired."""
    years = sorted(set(years or figure_years()))
    current = fingerprint.units_fingerprints(years=years)
    stored = {
        (code, year): print_
        for code, year, print_ in UnitFigures.objects.filter(year__in=years).values_list(
            "province_id", "year", "fingerprint"
        )
    }
    differing = sorted(key for key, print_ in current.items() if stored.get(key) != print_)
    by_year: dict[int, list[str]] = defaultdict(list)
    for code, year in differing:
        by_year[year].append(code)
    for year, codes in sorted(by_year.items()):
        _refresh_year(year, codes)
        national_snapshot_compile(year=year)
        log.warning(
            "figures healed: %s of %s differed from their inputs and were recomputed",
            ", ".join(codes),
            year,
        )
    return differing


def figures_refresh_stale() -> int:
    """Kept for callers of the former timestamp sweep: the healing task. Returns the unit-years repaired."""
    return len(figures_heal())


def national_snapshot_make_current(*, year: int) -> NationalSnapshot:
    """Before the national PDF is served: the units of `year` whose inputs changed are recomputed
    (`figures_heal` of that year), then the snapshot is composed again with today's report status
    (days overdue change at midnight). Equal figures leave the snapshot, and so its PDF, as they
    are; anything else renders a new PDF whose "figures as of" is the time of this composition."""
    figures_heal(years=[year])
    return national_snapshot_compile(year=year)
