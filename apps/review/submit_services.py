"""Submitting a self-assessment to the first level of its province's review chain: the community
committee's one transition into review. Atomic, recorded in the assessment's history, the reviewers
of the first level and the committee told after commit."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import is_committee
from apps.accounts.models import User
from apps.assessments import services as assessment_services
from apps.assessments.models import EDITABLE_STATES, Action, Assessment, Response, State
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.events import assessment_submitted, figures_changed

from . import selectors, workflow
from .notify import notify_community, notify_level
from .repeats import repeats_own_decision


def assessment_submit(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """Submit to the first level of the province's review chain: every criterion answered, evidence
    for each met / largely met. The chain of the year is copied onto the assessment (and is frozen
    from now on for the province and year).

    Freezes what was submitted (a Submission snapshot, evidence locked to this round). A second
    submit by the same user of the version it submitted (double click, 确认 again after the back
    button, a retry) changes nothing and answers the assessment as submitted (`decision_repeated`
    set); any other submit of an assessment in review is refused with a conflict. A returned
    assessment must have been changed before it is resubmitted, and starts again at the first
    level."""
    with transaction.atomic():
        locked = assessment_services.assessment_lock(assessment)
        if not locked.is_visible_to(user):
            raise NotFoundError(_("This assessment does not exist."))
        if not is_committee(user):
            raise ForbiddenError(_("Only the community committee can submit its self-assessment."))
        if locked.state not in EDITABLE_STATES:
            if locked.state == State.SUBMITTED and repeats_own_decision(
                locked, user, Action.SUBMITTED, reason="", expected_version=expected_version
            ):
                locked.decision_repeated = True
                return locked
            raise ConflictError(_("The assessment has already been submitted."), code="already_submitted")
        locked.decision_repeated = False
        assessment_services.check_version(locked, expected_version)
        missing = assessment_services.assessment_missing(locked)
        if missing:
            raise ServiceError(
                _("The assessment cannot be submitted yet:") + " " + " ".join(missing),
                code="incomplete",
                field="__all__",
            )
        if locked.state == State.RETURNED and not assessment_services.changed_since_return(locked):
            raise ServiceError(
                _(
                    "Nothing was changed since the assessment was returned: revise it as the reviewers asked before resubmitting."
                ),
                code="unchanged",
            )
        now = timezone.now()
        from_state = locked.state
        if from_state == State.RETURNED:
            locked.round += 1
            # A new round starts with no verdicts; the last round's comments stay in its Submission.
            Response.objects.filter(assessment=locked).update(
                verdict="", review_comment="", reviewed_at=None, reviewed_by=None, confirmed_score=None
            )
            locked.confirmed_total = None
        chain = selectors.chain_for(province_id=locked.province_id, year=locked.year)
        locked.review_chain = workflow.chain_text(chain)
        locked.review_level = workflow.first_level(chain)
        locked.state = State.SUBMITTED
        locked.submitted_at = now
        locked.first_submitted_at = locked.first_submitted_at or now
        locked.version += 1
        locked.save(
            update_fields=[
                "state",
                "review_chain",
                "review_level",
                "submitted_at",
                "first_submitted_at",
                "version",
                "round",
                "confirmed_total",
                "updated_at",
            ]
        )
        assessment_services.submission_freeze(assessment=locked, user=user, at=now)
        assessment_services.history_append(
            locked,
            user,
            Action.SUBMITTED,
            from_state=from_state,
            to_state=State.SUBMITTED,
            data={"round": locked.round, "level": locked.review_level},
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        assessment_submitted(assessment_id=locked.pk, province_id=locked.province_id, year=locked.year)
        notify_level(
            locked,
            locked.review_level,
            _("%(community)s resubmitted its %(year)s self-assessment for your review.")
            if from_state == State.RETURNED
            else _("%(community)s submitted its %(year)s self-assessment for your review."),
        )
        # The committee's receipt: what was received and who decides next.
        notify_community(
            locked,
            _(
                "Your %(year)s self-assessment was received (round %(round)s) and now waits for the "
                "%(level)s. You will be told of the decision."
            ),
            round=locked.round,
            level=workflow.level_name(locked.review_level, chain),
        )
    return locked
