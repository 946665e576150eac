"""Reads of the targets app: actual against target per area, and the creation lists' figures.

The actual figures are the reports app's, computed in SQL and stored per provincial unit and year
(UnitFigures: `summary.totals` for the unit, `areas.cities` / `areas.counties` for its cities and
counties, read through `apps.reports.figures.live.unit_summaries` / `unit_figures_live`): joining the
targets to them reads no response again. State of an area against its targets (docs/figures.md):

- met: the share meeting the requirements has reached its target (and the share participating
  its own, when one is set);
- on track: not met yet, the year's figures are still open, and the share participating has
  reached the meeting target (enough communities are in the process to reach it);
- behind: anything else (a closed year that did not reach its target included).
"""

from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.regions.models import Region, RegionLevel
from apps.reports.figures import asof, live

from .models import CreationListEntry, Target
from .rules import child_areas
from .services import year_is_closed

BEHIND, ON_TRACK, MET = "behind", "on_track", "met"

# The version of the targets' cached reads (apps.core.versioned): every save or delete of a target
# drops it (apps.py); a bulk write drops it itself.
TARGETS_VERSION = "targets"


def _pct(share) -> Decimal | None:
    return None if share is None else (Decimal(str(share)) * 100).quantize(Decimal("0.01"))


def target_state(*, target: Target | None, share, participation, closed: bool) -> str | None:
    if target is None:
        return None
    meeting, participating = _pct(share), _pct(participation)
    reached = meeting is not None and meeting >= target.meeting
    if reached and (target.participation is None or (participating or 0) >= target.participation):
        return MET
    if not closed and participating is not None and participating >= target.meeting:
        return ON_TRACK
    return BEHIND


def _row(area_code, name, level, counts: dict | None, target: Target | None, closed: bool) -> dict:
    counts = counts or {}
    share, participation = counts.get("share"), counts.get("participation")
    return {
        "code": area_code,
        "name": name,
        "level": level,
        "registered": counts.get("registered", 0),
        "participating": counts.get("participating", 0),
        "meeting": counts.get("meeting", 0),
        "share": share,
        "participation": participation,
        "share_pct": _pct(share),
        "participation_pct": _pct(participation),
        "target": target,
        "target_meeting": None if target is None else target.meeting,
        "target_participation": None if target is None else target.participation,
        "gap": None if target is None or share is None else (_pct(share) - target.meeting),
        "set_late": bool(target and target.set_late),
        "state": target_state(target=target, share=share, participation=participation, closed=closed),
    }


def _unit_areas(*, year: int, province_code: str) -> dict:
    """The stored figures of one unit ({"totals", "cities", "counties"} rows by code)."""
    return _areas_of(live.unit_figures_live(year=year, province_code=province_code))


def _areas_of(unit: dict) -> dict:
    return {
        "totals": unit.get("totals") or {},
        "cities": {r["code"]: r for r in unit.get("cities") or []},
        "counties": {r["code"]: r for r in unit.get("counties") or []},
    }


def progress_rows(*, year: int, parent: Region | None, figures: dict | None = None) -> list[dict]:
    """The areas `parent` sets targets for (the nation's units when None), each with its target,
    actual and state for `year`: one query for the targets, the stored figures for the actuals
    (`figures`: a unit's figures already read, e.g. a submitted report's)."""
    areas = list(child_areas(parent).only("code", "name", "level"))
    targets = {t.area_id: t for t in Target.objects.filter(year=year, area__in=[a.code for a in areas])}
    closed = year_is_closed(year)
    if parent is None and figures is not None:
        # The national figures already read by the page (one row per unit).
        counts = {u["code"]: u for u in figures.get("units") or []}
    elif parent is None:
        summaries = live.unit_summaries(year=year)
        counts = {code: (s.get("totals") or {}) for code, s in summaries.items()}
    else:
        unit = (
            _areas_of(figures)
            if figures is not None
            else _unit_areas(year=year, province_code=parent.province_id or parent.code)
        )
        counts = {}
        for area in areas:
            if area.level == RegionLevel.CITY:
                counts[area.code] = unit["cities"].get(area.code)
            else:
                counts[area.code] = unit["counties"].get(area.code) or unit["cities"].get(area.code)
    return [_row(a.code, a.name, a.level, counts.get(a.code), targets.get(a.code), closed) for a in areas]


def area_progress(*, year: int, area: Region) -> dict:
    """One area's own target, actual and state for `year`."""
    target = Target.objects.filter(year=year, area=area).first()
    unit = _unit_areas(year=year, province_code=area.province_id or area.code)
    if area.level == RegionLevel.PROVINCE:
        counts = unit["totals"]
    elif area.level == RegionLevel.CITY:
        counts = unit["cities"].get(area.code)
    else:
        counts = unit["counties"].get(area.code) or unit["cities"].get(area.code)
    return _row(area.code, area.name, area.level, counts, target, year_is_closed(year))


def state_counts(rows: list[dict]) -> dict:
    out = {BEHIND: 0, ON_TRACK: 0, MET: 0, "none": 0}
    for row in rows:
        out[row["state"] or "none"] += 1
    return out


# --- creation lists ----------------------------------------------------------------------------


def creation_list(*, user, year: int, area: Region):
    """The communities on `area`'s list of `year` (scoped), with the state of their assessment."""
    this_year = Assessment.objects.filter(community_id=OuterRef("community_id"), year=year)
    return (
        CreationListEntry.objects.visible_to(user)
        .filter(year=year, area=area)
        .select_related("community", "community__street")
        .annotate(
            participated=Exists(this_year.exclude(state=State.DRAFT)),
            meets=Exists(
                Assessment.objects.filter(asof.meeting_q(year), community_id=OuterRef("community_id"))
            ),
        )
        .order_by("community_id")
    )


def creation_list_figures(*, year: int, area: Region) -> dict:
    """How many of the planned communities participated in `year` and meet the requirements at its
    end: one aggregate query."""
    this_year = Assessment.objects.filter(community_id=OuterRef("community_id"), year=year)
    meets = Assessment.objects.filter(asof.meeting_q(year), community_id=OuterRef("community_id"))
    return (
        CreationListEntry.objects.filter(year=year, area=area)
        .annotate(p=Exists(this_year.exclude(state=State.DRAFT)), m=Exists(meets))
        .aggregate(
            planned=Count("id"),
            participated=Count("id", filter=Q(p=True)),
            meeting=Count("id", filter=Q(m=True)),
        )
    )


def creation_list_candidates(*, user, year: int, area: Region, street: str = ""):
    """Communities of the area not yet on any list of `year` (the registry picker, by street)."""
    column = "city_id" if area.level == RegionLevel.CITY else "county_id"
    qs = (
        Community.objects.visible_to(user)
        .registered_in(year)
        .filter(**{column: area.code})
        .exclude(code__in=CreationListEntry.objects.filter(year=year).values("community_id"))
        .select_related("street")
        .order_by("street_id", "code")
    )
    if street:
        qs = qs.filter(street_id=street)
    return qs


def community_on_list(*, community_id: str, year: int) -> CreationListEntry | None:
    return (
        CreationListEntry.objects.filter(community_id=community_id, year=year).select_related("area").first()
    )


# --- implementation plans ------------------------------------------------------------------------


def plan_rows(*, user, parent: Region | None) -> list[dict]:
    """The areas `parent` asked for a plan (the nation's units when None), each with its plan
    (scoped; None when not filed): who filed, when, on time, status. Two queries."""
    from .models import ImplementationPlan

    areas = list(child_areas(parent).only("code", "name", "level"))
    plans = {
        p.area_id: p
        for p in ImplementationPlan.objects.visible_to(user).filter(area__in=[a.code for a in areas])
    }
    return [{"area": a, "plan": plans.get(a.code)} for a in areas]
