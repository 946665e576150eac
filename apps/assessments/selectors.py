"""Reads of assessments shared by pages, the API, exports and reports. All go through visible_to();
`access_assessment` and `access_evidence` are the one fetch-and-check of each kind of object."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from apps.accounts.capabilities import is_committee
from apps.accounts.models import Role
from apps.core.errors import ForbiddenError, NotFoundError

from .models import Action, Assessment, AssessmentEvent, Evidence, Response, State


def access_assessment(*, user, pk, for_action: str = "read") -> Assessment:
    """The assessment `pk` in the caller's scope, with its community, standard and regions: the one
    fetch-and-check of assessments (pages, API, exports). Unknown and foreign both raise
    NotFoundError; `for_action="fill"` also raises ForbiddenError unless the caller is the
    assessment's committee. Review decisions are checked by apps.review.workflow."""
    try:
        assessment = (
            Assessment.objects.visible_to(user)
            .select_related("community", "standard", "province", "city", "county", "street")
            .get(pk=pk)
        )
    except (Assessment.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("This assessment does not exist.")) from None
    if for_action == "fill" and not is_committee(user):
        raise ForbiddenError(_("Your role may not do this."))
    return assessment


def assessment_detail(*, user, pk, for_action: str = "read") -> tuple[Assessment, Sequence[Response]]:
    """The assessment (access_assessment) with its responses, criteria, categories and live
    evidence, in a fixed number of queries whatever the number of files."""
    assessment = access_assessment(user=user, pk=pk, for_action=for_action)
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
        # By category, then number: a local standard's added criteria (17, 18) join their category.
        .order_by("criterion__category__order", "criterion__number")
    )
    return assessment, responses


def assessment_history(*, assessment: Assessment) -> QuerySet[AssessmentEvent]:
    return AssessmentEvent.objects.filter(assessment=assessment).select_related("actor").order_by("at", "id")


def access_evidence(*, user, pk) -> Evidence:
    """An evidence file of an assessment in the caller's scope, or NotFoundError: the one
    fetch-and-check of every download (page and API)."""
    try:
        return (
            Evidence.objects.visible_to(user)
            .select_related("response__assessment", "response__criterion")
            .get(pk=pk)
        )
    except (Evidence.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("This file does not exist.")) from None


def history_timeline(*, assessment: Assessment) -> list[AssessmentEvent]:
    """The assessment's history, oldest first, with display labels attached (for the timeline
    include). Evidence uploads are folded out: the timeline shows decisions, reviews and
    submissions. The review pages add the names of the review levels (apps.review.selectors)."""
    role_labels = dict(Role.choices)
    state_labels = dict(State.choices)
    action_labels = dict(Action.choices)
    # Display rows: each event decorated with its labels for the timeline.
    events: list[Any] = list(
        assessment_history(assessment=assessment).exclude(
            action__in=(Action.EVIDENCE_ADDED, Action.EVIDENCE_REMOVED)
        )
    )
    for e in events:
        data = e.data or {}
        e.role_label = role_labels.get(e.actor_role, "")
        e.action_label = action_labels.get(e.action, e.action)
        e.from_label = state_labels.get(e.from_state, "")
        e.to_label = state_labels.get(e.to_state, "")
        e.actor_label = (e.actor.display_name or e.actor.username) if e.actor else ""
        comments = data.get("comments") or {}
        e.comment_items = sorted(((int(k), v) for k, v in comments.items() if v), key=lambda kv: kv[0])
        e.criterion = data.get("criterion")
        e.verdict_label = {"confirmed": "✓", "not_confirmed": "✗"}.get(data.get("verdict") or "", "")
        e.review_comment = data.get("comment", "")
        # What the template shows without comparing actions: a verdict's line, what the reason is.
        e.is_verdict = e.action == Action.REVIEWED
        e.reason_label = _("Citation") if e.action == Action.DESIGNATED else _("Reason")
    return events
