"""Reads of the review pages, the public page and the notices.

Every reviewer read goes through Assessment.objects.visible_to(); the public reads return only
public facts (names, codes, dates, citations) of approved assessments and demonstrations.
Queues filter and sort on the denormalised, indexed columns of the assessment table, so their
cost does not depend on the number of responses or files.
"""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from apps.accounts.models import Role
from apps.regions.models import Region, RegionLevel

from .models import Action, Assessment, AssessmentEvent, Demonstration, Notice, Rating, Response, State
from .selectors import assessment_history, state_counts

# The states each role's queue shows, and the state that is waiting for the role's decision.
QUEUE_STATES = {
    Role.CITY: (State.SUBMITTED, State.RETURNED, State.RECOMMENDED, State.APPROVED, State.REVOKED),
    Role.PROVINCE: (State.RECOMMENDED, State.APPROVED, State.RETURNED, State.REVOKED),
}
ALL_REVIEW_STATES = (State.SUBMITTED, State.RETURNED, State.RECOMMENDED, State.APPROVED, State.REVOKED)
WAITING_STATE = {Role.CITY: State.SUBMITTED, Role.PROVINCE: State.RECOMMENDED}


def queue_states(user) -> tuple[str, ...]:
    return QUEUE_STATES.get(user.role, ALL_REVIEW_STATES)


def waiting_state(user) -> str | None:
    return WAITING_STATE.get(user.role)


@dataclass(frozen=True)
class QueueFilters:
    state: str = ""
    year: int | None = None
    county: str = ""
    street: str = ""
    not_met: str = ""  # "" | "any" | a criterion number
    search: str = ""
    sort: str = "submitted"  # "submitted" (oldest first) | "-submitted"


def review_queue_base(*, user, year: int | None = None) -> QuerySet[Assessment]:
    """Assessments the caller reviews (or watches), in scope, in the states of the caller's queue."""
    qs = Assessment.objects.visible_to(user).filter(state__in=queue_states(user))
    if year:
        qs = qs.filter(year=year)
    return qs


def review_queue(*, user, filters: QueueFilters) -> QuerySet[Assessment]:
    """The queue page's rows: scoped, filtered and sorted by submission date. One query per page
    whatever the number of rows (region names come with select_related)."""
    qs = review_queue_base(user=user, year=filters.year)
    if filters.state:
        qs = qs.filter(state=filters.state)
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
    search = filters.search.strip()
    if search:
        qs = qs.filter(
            Q(community__code__startswith=search)
            if search.isdigit()
            else Q(community__name__icontains=search)
        )
    order = ("-submitted_at", "-id") if filters.sort == "-submitted" else ("submitted_at", "id")
    return qs.select_related("community", "county", "street").order_by(*order)


def review_queue_counts(*, user, year: int | None = None) -> dict[str, int]:
    """Number of assessments per state of the caller's queue (one GROUP BY query)."""
    counts = state_counts(qs=review_queue_base(user=user, year=year))
    return {s: counts[s] for s in queue_states(user)}


def review_counties(*, user) -> QuerySet[Region]:
    """Counties the caller may filter the queue by."""
    region = user.region
    if region is None:
        return Region.objects.filter(level=RegionLevel.COUNTY)
    if region.level == RegionLevel.COUNTY:
        return Region.objects.filter(pk=region.pk)
    field = "city_id" if region.level == RegionLevel.CITY else "province_id"
    return Region.objects.filter(level=RegionLevel.COUNTY, **{field: region.pk}).order_by("code")


def review_streets(*, user, county: str) -> QuerySet[Region]:
    if not county or not review_counties(user=user).filter(pk=county).exists():
        return Region.objects.none()
    return Region.objects.filter(level=RegionLevel.STREET, county_id=county).order_by("code")


def assessments_for_bulk(*, user, pks) -> list[Assessment]:
    """The selected assessments in the caller's scope, in a stable order (locks are taken in it)."""
    return list(
        Assessment.objects.visible_to(user)
        .filter(pk__in=list(pks))
        .select_related("community", "county", "street")
        .order_by("pk")
    )


# --- History timeline ---------------------------------------------------------

ROLE_LABELS = dict(Role.choices)
STATE_LABELS = dict(State.choices)
ACTION_LABELS = dict(Action.choices)


def history_timeline(*, assessment: Assessment) -> list[AssessmentEvent]:
    """The assessment's history, oldest first, with display labels attached (for review/_history.html).
    Evidence uploads are folded out: the timeline shows decisions, reviews and submissions."""
    events = list(
        assessment_history(assessment=assessment).exclude(
            action__in=(Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED)
        )
    )
    for e in events:
        e.role_label = ROLE_LABELS.get(e.actor_role, "")
        e.action_label = ACTION_LABELS.get(e.action, e.action)
        e.from_label = STATE_LABELS.get(e.from_state, "")
        e.to_label = STATE_LABELS.get(e.to_state, "")
        e.actor_label = (e.actor.display_name or e.actor.username) if e.actor else ""
        comments = (e.data or {}).get("comments") or {}
        e.comment_items = sorted(((int(k), v) for k, v in comments.items() if v), key=lambda kv: kv[0])
        e.criterion = (e.data or {}).get("criterion")
        e.verdict_label = {"confirmed": "✓", "not_confirmed": "✗"}.get((e.data or {}).get("verdict"), "")
        e.review_comment = (e.data or {}).get("comment", "")
    return events


# --- Public page -------------------------------------------------------------


def public_provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code")


def public_approved(*, province: Region, year: int) -> QuerySet:
    """Communities of a province approved for a year and not revoked: public facts only."""
    return (
        Assessment.objects.filter(province=province, year=year, state=State.APPROVED)
        .order_by("county_id", "community_id")
        .values(
            "community_id",
            "community__name",
            "county__name",
            "street__name",
            "approved_at",
        )
    )


def public_demonstrations(*, province: Region, year: int) -> QuerySet:
    """Demonstration communities of a province and year whose approval still stands."""
    return (
        Demonstration.objects.filter(
            year=year, assessment__province=province, assessment__state=State.APPROVED
        )
        .order_by("assessment__community_id")
        .values(
            "assessment__community_id",
            "assessment__community__name",
            "assessment__county__name",
            "citation",
            "designated_at",
        )
    )


# --- Notices -----------------------------------------------------------------


def notice_list(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-id")


def notice_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
