"""Reads of the review workflow: the province's chain, the reviewers' queues, who reviews at a level.

Every reviewer read goes through Assessment.objects.visible_to(). Queues filter and sort on the
denormalised, indexed columns of the assessment table (state, review_level, region columns), so
their cost does not depend on the number of responses or files.
"""

from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.capabilities import is_province_staff
from apps.accounts.models import Role, User
from apps.accounts.scoping import is_nationwide, regional_column
from apps.assessments.models import Action, Assessment, AssessmentEvent, Rating, Response, State, Verdict
from apps.assessments.selectors import history_timeline as base_history_timeline
from apps.communities.selectors import community_search_q
from apps.regions.models import RegionLevel
from apps.regions.selectors import PickerRegion, picker_choices, picker_regions, provincial_unit_names

from . import workflow
from .models import ReviewChain

# --- Chains ---------------------------------------------------------------------------------------


def chain_for(*, province_id: str, year: int) -> tuple[str, ...]:
    """The review levels of a provincial unit and year: its own chain, else the national default."""
    return chains_for(province_ids=[province_id], year=year)[province_id]


def chains_for(*, province_ids, year: int) -> dict[str, tuple[str, ...]]:
    """`chain_for` of many provincial units at once (one query)."""
    codes = list(province_ids)
    own = dict(
        ReviewChain.objects.filter(province_id__in=codes, year=year).values_list("province_id", "levels")
    )
    return {code: workflow.chain_from_text(own.get(code) or "") for code in codes}


def chain_is_frozen(*, province_id: str, year: int) -> bool:
    """A chain is fixed once any assessment of that province and year has been submitted."""
    return Assessment.objects.filter(
        province_id=province_id, year=year, first_submitted_at__isnull=False
    ).exists()


def _level_accounts_q(key: str, *, chain=None) -> Q:
    level = workflow.LEVEL[key]
    q = Q(role=level.role, region__level=key)
    if key == "county" and workflow.city_reviews_at_county(chain):
        q |= Q(role=Role.CITY, region__level=RegionLevel.CITY)
    return q


def level_has_accounts(*, province_id: str, key: str) -> bool:
    """Some active account of the province reviews at this level."""
    level = workflow.LEVEL[key]
    accounts = User.objects.filter(is_active=True, role=level.role, region__level=key)
    if key == "province":
        return accounts.filter(region_id=province_id).exists()
    return accounts.filter(region__province_id=province_id).exists()


def level_reviewers(*, assessment: Assessment, key: str) -> QuerySet[User]:
    """The active accounts that review `assessment` at level `key` of its chain."""
    chain = workflow.chain_of(assessment)
    level = workflow.LEVEL[key]
    q = Q(role=level.role, region_id=getattr(assessment, level.column))
    if key == "county" and workflow.city_reviews_at_county(chain) and assessment.city_id:
        q |= Q(role=Role.CITY, region_id=assessment.city_id)
    return User.objects.filter(q, is_active=True)


@dataclass(frozen=True)
class ChainLevelPreview:
    key: str
    name: str
    reviewers: list[str]
    count: int


def chain_preview(*, province_id: str, levels) -> list[ChainLevelPreview]:
    """Who reviews at each level of a proposed chain in the province (a sample of names and the count
    of active accounts): for the chain page's preview. One query per level."""
    rows = []
    for key in levels:
        if key not in workflow.LEVEL:
            continue
        accounts = User.objects.filter(_level_accounts_q(key, chain=levels), is_active=True)
        accounts = (
            accounts.filter(region_id=province_id)
            if key == "province"
            else accounts.filter(region__province_id=province_id)
        )
        sample = list(accounts.order_by("region_id", "username").values_list("display_name", "username")[:5])
        rows.append(
            ChainLevelPreview(
                key=key,
                name=str(workflow.level_name(key, levels)),
                reviewers=[name or username for name, username in sample],
                count=accounts.count(),
            )
        )
    return rows


def chains_of_province(*, user, province_id: str) -> QuerySet[ReviewChain]:
    return ReviewChain.objects.visible_to(user).filter(province_id=province_id).select_related("set_by")


# --- Queues ---------------------------------------------------------------------------------------


def reviewer_level(user) -> str | None:
    """The level a reviewer's queue opens on (the default chain's naming for a city department)."""
    column = regional_column(user)
    return column.removesuffix("_id") if column else None


def queue_waiting_q(user, year: int | None = None) -> Q:
    """Assessments waiting for `user`'s decision: in review, at the level where the user acts in the
    assessment's own chain (a city department acts at the county level of chains without a city
    level)."""
    key = reviewer_level(user)
    if key is None:
        return Q(pk__in=[])
    waiting = Q(state__in=workflow.IN_REVIEW, review_level=key)
    if key == "city":
        waiting |= Q(state__in=workflow.IN_REVIEW) & workflow.CITY_AT_COUNTY_Q
    return waiting


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""  # "" | "waiting" | a state
    year: int | None = None
    province: str = ""
    city: str = ""
    county: str = ""
    street: str = ""
    level: str = ""  # a level key: in review at that level
    not_met: str = ""  # "" | "any" | a criterion number
    search: str = ""
    sort: str = "submitted"  # "submitted" (oldest first) | "-submitted" | "score" | "-score"
    score: str = ""  # "" | "below": a scored standard's assessment below its pass mark


def queue_score():
    """The score a queue shows, filters and sorts on: the confirmed total once a level confirmed
    scores, the community's self total before (None under a standard without points)."""
    return Coalesce("confirmed_total", "self_total")


def review_queue_base(*, user, year: int | None = None) -> QuerySet[Assessment]:
    """Assessments the caller reviews (or watches), in scope, that have left draft."""
    qs = Assessment.objects.visible_to(user).filter(state__in=workflow.REVIEWED)
    if year:
        qs = qs.filter(year=year)
    return qs


def review_queue(*, user, filters: QueueFilters) -> QuerySet[Assessment]:
    """The queue page's assessments: scoped, filtered and sorted by submission date (with the
    columns the rows show: review_queue_columns)."""
    qs = review_queue_base(user=user, year=filters.year)
    if filters.state == "waiting":
        qs = qs.filter(queue_waiting_q(user))
    elif filters.state:
        qs = qs.filter(state=filters.state)
    if filters.level in workflow.LEVEL:
        qs = qs.filter(state__in=workflow.IN_REVIEW, review_level=filters.level)
    if filters.province:
        qs = qs.filter(province_id=filters.province)
    if filters.city:
        qs = qs.filter(city_id=filters.city)
    if filters.county:
        qs = qs.filter(county_id=filters.county)
    if filters.street:
        qs = qs.filter(street_id=filters.street)
    if filters.not_met == "any":
        qs = qs.filter(not_met_count__gt=0)
    elif filters.not_met.isdigit():
        qs = qs.filter(
            Exists(
                Response.objects.filter(
                    assessment=OuterRef("pk"),
                    criterion__number=int(filters.not_met),
                    rating=Rating.NOT_MET,
                )
            )
        )
    qs = qs.annotate(score=queue_score())
    if filters.score == "below":
        qs = qs.filter(standard__pass_mark__isnull=False).filter(
            Q(score__isnull=True) | Q(score__lt=F("standard__pass_mark"))
        )
    qs = qs.filter(community_search_q(filters.search, "community__"))
    order = {
        "-submitted": ("-submitted_at", "-id"),
        "score": (F("score").asc(nulls_last=True), "submitted_at", "id"),
        "-score": (F("score").desc(nulls_last=True), "submitted_at", "id"),
    }.get(filters.sort, ("submitted_at", "id"))
    return qs.order_by(*order)


def review_queue_columns(queue: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The queue's rows with what they show (QUEUE_ROW_FIELDS, the standard's points) and the names
    of the community and regions as `community_name`, `street_name`, `county_name`: one query per
    page, without a model instance per name. Count `queue` itself (without these joins)."""
    return (
        queue.select_related("standard")
        .only(*QUEUE_ROW_FIELDS)
        .annotate(
            community_name=F("community__name"), street_name=F("street__name"), county_name=F("county__name")
        )
    )


# What a queue row reads (apps/review/queue_rows.py, the bulk-approval check, the late flag, the
# queue's hooks), with the names of its community and regions: the rest of the assessment and its
# standard stays in the database, and the names come without a model instance each.
QUEUE_ROW_FIELDS = (
    "id", "community_id", "year", "state", "review_level", "review_chain", "round", "submitted_at",
    "first_submitted_at", "not_met_count", "self_total", "confirmed_total", "province_id", "city_id",
    "county_id", "street_id", "standard__total_points", "standard__pass_mark",
)  # fmt: skip


@dataclass(frozen=True)
class QueueCount:
    key: str  # "waiting", a level key ("level:county") or a state
    label: str
    count: int
    state: str = ""
    level: str = ""


def review_queue_counts(*, user, year: int | None = None) -> list[QueueCount]:
    """The queue's tabs with their counts, from one GROUP BY query: first the work waiting for the
    caller, then each level of review that assessments in scope wait at, then the decided states."""
    rows = (
        review_queue_base(user=user, year=year)
        .annotate(city_at_county=Case(When(workflow.CITY_AT_COUNTY_Q, then=True), default=False))
        .order_by()
        .values_list("state", "review_level", "city_at_county")
        .annotate(n=Count("id"))
    )
    mine = reviewer_level(user)
    waiting = 0
    by_level: dict[str, int] = {}
    by_state: dict[str, int] = {}
    for state, level, city_at_county, n in rows:
        if state in workflow.IN_REVIEW and level in workflow.LEVEL:
            by_level[level] = by_level.get(level, 0) + n
            # As queue_waiting_q: a city department also reviews the county level of chains without a city.
            if mine is not None and (level == mine or (mine == "city" and city_at_county)):
                waiting += n
        else:
            by_state[state] = by_state.get(state, 0) + n
    counts = []
    if mine is not None:
        counts.append(QueueCount("waiting", str(_waiting_for_you()), waiting, state="waiting"))
    counts.extend(
        QueueCount(
            f"level:{level.key}",
            str(workflow.waiting_label(level.key)),
            by_level.get(level.key, 0),
            level=level.key,
        )
        for level in workflow.LEVELS
        if level.key in by_level or _level_relevant(user, level.key)
    )
    counts.extend(
        QueueCount(state, str(State(state).label), by_state.get(state, 0), state=state)
        for state in (State.RETURNED, State.APPROVED, State.REVOKED)
    )
    return counts


def _waiting_for_you():
    return gettext_lazy("Waiting for your decision")


def _level_relevant(user, key: str) -> bool:
    """Levels always shown in the caller's tabs (even at 0): their own, and the province for its staff."""
    return reviewer_level(user) == key or (key == "province" and is_province_staff(user))


def review_provinces(*, user) -> list[tuple[str, str]]:
    """The provincial units a nationwide caller may pick in the queue's filter; [] for the others
    (their province is fixed)."""
    if not is_nationwide(user):
        return []
    return provincial_unit_names()


def home_province_of(user) -> str:
    region = getattr(user, "region", None)
    return (region.province_id or region.pk) if region is not None else ""


def picks_city(user) -> bool:
    """Whether the queue's filter offers a city: nationwide and provincial users."""
    region = getattr(user, "region", None)
    return is_nationwide(user) or (region is not None and region.level == RegionLevel.PROVINCE)


# The queue's pickers read the region tree's cached lists (apps.regions.selectors.picker_regions),
# no database: each keeps to the caller's scope below.


def review_cities(*, user, province: str) -> list[tuple[str, str]]:
    """The cities of `province` the caller may pick: for nationwide and provincial users (a city or
    county department's city is fixed). [] when the province has no city level (municipalities)."""
    if not province or not picks_city(user):
        return []
    if not is_nationwide(user) and province != user.region_id:
        return []
    return picker_choices(picker_regions(level=RegionLevel.CITY, column="province_id", parent=province))


def _scope_counties(user) -> list[PickerRegion]:
    """The counties in a regional caller's scope: a county or street office's own county, a city or
    provincial department's counties."""
    region = user.region
    if region is None:
        return []
    if region.level in (RegionLevel.COUNTY, RegionLevel.STREET):
        return picker_regions(level=RegionLevel.COUNTY, column="code", parent=region.county_id or region.pk)
    column = "city_id" if region.level == RegionLevel.CITY else "province_id"
    return _counties_proper(picker_regions(level=RegionLevel.COUNTY, column=column, parent=region.pk))


def _counties_proper(regions: list[PickerRegion]) -> list[PickerRegion]:
    # The queue's county picker lists counties only: a city that is its own county (东莞市) is
    # picked as a city.
    return [r for r in regions if r.level == RegionLevel.COUNTY]


def review_counties(*, user, province: str = "", city: str = "") -> list[tuple[str, str]]:
    """Counties the caller may filter the queue by, within the chosen province and city. A
    nationwide caller sees none until a province is chosen (2,976 counties are no picker)."""
    if is_nationwide(user):
        if not province and not city:
            return []
        column, parent = ("city_id", city) if city else ("province_id", province)
        counties = _counties_proper(picker_regions(level=RegionLevel.COUNTY, column=column, parent=parent))
    else:
        counties = _scope_counties(user)
        if user.region is None or user.region.level in (RegionLevel.COUNTY, RegionLevel.STREET):
            return picker_choices(counties)
    return picker_choices(
        r for r in counties if (not province or r.province_id == province) and (not city or r.city_id == city)
    )


def review_streets(*, user, county: str, counties=()) -> list[tuple[str, str]]:
    """The streets of `county` the caller may filter by; `counties`: codes known to be in the
    caller's scope already (the filter's own county choices), which need no check."""
    if not county or (county not in counties and not _county_in_scope(user, county)):
        return []
    streets = picker_regions(level=RegionLevel.STREET, column="county_id", parent=county)
    if user.region is not None and user.region.level == RegionLevel.STREET:
        streets = [r for r in streets if r.code == user.region_id]
    return picker_choices(streets)


def _county_in_scope(user, county: str) -> bool:
    if is_nationwide(user):
        return bool(_counties_proper(picker_regions(level=RegionLevel.COUNTY, column="code", parent=county)))
    return any(r.code == county for r in _scope_counties(user))


def assessments_for_bulk(*, user, pks) -> list[Assessment]:
    """The selected assessments in the caller's scope, in a stable order (locks are taken in it)."""
    return list(
        Assessment.objects.visible_to(user)
        .filter(pk__in=list(pks))
        .select_related("community", "county", "street", "standard")
        .order_by("pk")
    )


# --- History timeline -----------------------------------------------------------------------------


def history_timeline(*, assessment: Assessment) -> list[AssessmentEvent]:
    """The assessment's timeline (apps.assessments.selectors.history_timeline) with the names of the
    review levels each entry happened at and went to."""
    chain = workflow.chain_of(assessment)
    events: list[Any] = base_history_timeline(assessment=assessment)
    for e in events:
        data = e.data or {}
        level, to_level = data.get("level", ""), data.get("to_level", "")
        if level in workflow.LEVEL and e.action != Action.SUBMITTED:
            e.role_label = str(workflow.level_name(level, chain))
        if to_level in workflow.LEVEL:
            e.to_label = str(workflow.waiting_label(to_level, chain))
            if e.action == Action.RECOMMENDED:
                e.action_label = _recommended_to(to_level, chain)
        elif e.action == Action.SUBMITTED and level in workflow.LEVEL:
            e.to_label = str(workflow.waiting_label(level, chain))
    return events


def _recommended_to(key: str, chain) -> str:
    return _("Recommended to the %(body)s") % {"body": workflow.level_name(key, chain)}


def previous_round(*, assessment: Assessment, responses) -> dict[int, dict]:
    """Round 2 and later: per criterion, whether the community changed it since the last round
    (rating, statement, figure or evidence against that round's frozen snapshot) and the last
    round's verdict and comment (the last REVIEWED entry of each criterion before the return).
    Empty in round 1. Two queries."""
    if assessment.round <= 1:
        return {}
    from apps.assessments.models import Submission

    submission = Submission.objects.filter(assessment=assessment, round=assessment.round - 1).first()
    if submission is None:
        return {}
    returned = (
        AssessmentEvent.objects.filter(
            assessment=assessment, action=Action.RETURNED, at__gte=submission.submitted_at
        )
        .order_by("at", "id")
        .first()
    )
    reviewed = AssessmentEvent.objects.filter(
        assessment=assessment, action=Action.REVIEWED, at__gte=submission.submitted_at
    )
    if returned is not None:
        reviewed = reviewed.filter(at__lte=returned.at)
    verdicts: dict[int, dict] = {}
    for event in reviewed.order_by("at", "id"):
        number = (event.data or {}).get("criterion")
        if number is not None:
            verdicts[int(number)] = event.data
    returned_comments = ((returned.data or {}).get("comments") or {}) if returned is not None else {}
    before = {item["criterion"]: item for item in submission.snapshot.get("responses", [])}
    out: dict[int, dict] = {}
    for r in responses:
        number = r.criterion.number
        old = before.get(number, {})
        figure = None if r.figure is None else str(r.figure)
        evidence_now = sorted(e.pk for e in r.live_evidence)
        evidence_then = sorted(e["id"] for e in old.get("evidence", []))
        changed = (
            old.get("rating", "") != r.rating
            or old.get("statement", "") != r.statement
            or old.get("figure") != figure
            or evidence_now != evidence_then
        )
        verdict = verdicts.get(number, {})
        out[number] = {
            "changed": changed,
            "verdict": verdict.get("verdict", ""),
            "verdict_label": dict(Verdict.choices).get(verdict.get("verdict", ""), ""),
            "comment": returned_comments.get(str(number)) or verdict.get("comment", ""),
        }
    return out
