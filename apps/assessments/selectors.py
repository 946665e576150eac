"""Reads of assessments shared by pages, the API, exports and reports. All go through visible_to()."""

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from .models import Assessment, AssessmentEvent, Evidence, Response, State


def campaign_year() -> int:
    return settings.CAMPAIGN_YEAR or timezone.localdate().year


def assessment_list(*, user, year: int | None = None, state: str | None = None) -> QuerySet[Assessment]:
    qs = Assessment.objects.visible_to(user).select_related(
        "community", "county", "street", "city", "province"
    )
    if year:
        qs = qs.filter(year=year)
    if state:
        qs = qs.filter(state=state)
    return qs


def assessment_get(*, user, pk) -> Assessment:
    """One assessment in scope, or Assessment.DoesNotExist (404 for both unknown and foreign)."""
    return (
        Assessment.objects.visible_to(user)
        .select_related("community", "standard", "province", "city", "county", "street")
        .get(pk=pk)
    )


def assessment_detail(*, user, pk) -> tuple[Assessment, list[Response]]:
    """The assessment with its responses, criteria, categories and live evidence, in a fixed
    number of queries whatever the number of files."""
    assessment = assessment_get(user=user, pk=pk)
    responses = list(
        Response.objects.filter(assessment=assessment)
        .select_related("criterion__category")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.filter(withdrawn_round__isnull=True).order_by("uploaded_at", "id"),
                to_attr="live_evidence",
            )
        )
        .order_by("criterion__number")
    )
    return assessment, responses


def assessment_history(*, assessment: Assessment) -> QuerySet[AssessmentEvent]:
    return AssessmentEvent.objects.filter(assessment=assessment).select_related("actor").order_by("at", "id")


def evidence_get(*, user, pk) -> Evidence:
    return (
        Evidence.objects.visible_to(user)
        .select_related("response__assessment", "response__criterion")
        .get(pk=pk)
    )


def state_counts(*, qs: QuerySet[Assessment]) -> dict[str, int]:
    counts = dict(qs.order_by().values_list("state").annotate(n=Count("id")))
    return {s: counts.get(s, 0) for s in State.values}


def not_met_filter(criterion_numbers: list[int]) -> Q:
    return Q(responses__criterion__number__in=criterion_numbers, responses__rating="not_met")
