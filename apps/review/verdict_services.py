"""The reviewers' verdicts: a verdict, comment and (scored standards) confirmed score per criterion,
one at a time (response_review) or the whole review form's draft at once (verdicts_save), at the
level where the assessment waits. Atomic, recorded in the assessment's history."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.assessments import scores as assessment_scores
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, Response, Verdict
from apps.assessments.services import UNCHANGED
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.text import text_check

from . import workflow


def _require_reviewer(user: User, assessment: Assessment) -> None:
    """The assessment waits at the level where `user` reviews; otherwise refused with the reason."""
    if not assessment.is_visible_to(user):
        raise NotFoundError(_("This assessment does not exist."))
    if workflow.can_review(user, assessment):
        return
    if workflow.acts_at(user, workflow.chain_of(assessment)) is None:
        raise ForbiddenError(_("Your role may not do this."))
    raise ConflictError(
        _("The assessment is %(state)s: it is not waiting for your review.")
        % {"state": workflow.status_label(assessment)},
        code="wrong_state",
    )


def response_review(
    *, response: Response, user: User, verdict: str, comment: str = "", score=UNCHANGED
) -> Response:
    """A reviewer's verdict and comment on one criterion, at the level where the assessment waits.

    Under a scored standard `score` is the score this level confirms (the community's self-score
    as it is) or corrects it to (a different one: a comment is then required), 0 to the
    criterion's points; "" clears it, UNCHANGED leaves it. The confirmed total is recomputed."""
    if verdict and verdict not in Verdict.values:
        raise ServiceError(_("Choose confirmed or not confirmed."), code="invalid_verdict", field="verdict")
    comment = text_check(comment, field="comment", label=_("Comment"), multiline=True)
    if score is not UNCHANGED:
        score = assessment_scores.parse_score(score, criterion=response.criterion, field="score")
    with transaction.atomic():
        assessment = assessment_services.assessment_lock(response.assessment)
        _require_reviewer(user, assessment)
        if verdict == Verdict.NOT_CONFIRMED and not (comment or "").strip():
            raise ServiceError(
                _("Say why the criterion is not confirmed."), code="comment_required", field="comment"
            )
        current = Response.objects.select_for_update().get(pk=response.pk)
        fields = ["verdict", "review_comment", "reviewed_at", "reviewed_by"]
        data = {}
        if score is not UNCHANGED:
            corrected = score is not None and score != current.self_score
            if corrected and not (comment or "").strip():
                raise ServiceError(
                    _("Say why the score of criterion %(n)s is corrected from %(self)s to %(score)s.")
                    % {
                        "n": response.criterion.number,
                        "self": assessment_scores.score_text(current.self_score) or "—",
                        "score": assessment_scores.score_text(score),
                    },
                    code="comment_required",
                    field="comment",
                )
            current.confirmed_score = score
            fields.append("confirmed_score")
            data = {
                "self_score": assessment_scores.score_text(current.self_score),
                "confirmed_score": assessment_scores.score_text(score),
                "corrected": corrected,
            }
        current.verdict = verdict
        current.review_comment = (comment or "").strip()
        current.reviewed_at = timezone.now()
        current.reviewed_by = user
        current.save(update_fields=fields)
        if score is not UNCHANGED:
            assessment_scores.totals_refresh(assessment)
        assessment_services.history_append(
            assessment,
            user,
            Action.REVIEWED,
            data={
                "criterion": response.criterion.number,
                "verdict": verdict,
                "comment": current.review_comment,
                "level": assessment.review_level,
                **data,
            },
        )
    for name in fields:
        setattr(response, name, getattr(current, name))
    return response


def verdicts_save(*, assessment: Assessment, user: User, items: dict[int, dict]) -> dict[str, list[str]]:
    """The review form's draft: the verdict and comment of every criterion posted at once
    (criterion number -> {"verdict", "comment"} and, under a scored standard, "score"). Each changed
    criterion is saved by response_review; a refused one does not stop the others. Answers the
    errors by form field (`c<n>-<field>`)."""
    errors: dict[str, list[str]] = {}
    responses = {
        r.criterion.number: r
        for r in Response.objects.filter(assessment=assessment).select_related("criterion", "assessment")
    }
    for number, item in sorted(items.items()):
        response = responses.get(number)
        if response is None:
            continue
        verdict = item.get("verdict") or ""
        comment = (item.get("comment") or "").strip()
        # The form shows the confirmed score, or the self-score until a level confirms one: saving
        # the criterion confirms the score shown, as the single criterion's form does.
        score = item.get("score", UNCHANGED)
        shown = assessment_scores.score_text(
            response.self_score if response.confirmed_score is None else response.confirmed_score
        )
        score_changed = score is not UNCHANGED and (score or "").strip() != shown
        if verdict == response.verdict and comment == response.review_comment and not score_changed:
            continue
        try:
            response_review(response=response, user=user, verdict=verdict, comment=comment, score=score)
        except ServiceError as exc:
            if exc.status == 409 or exc.status == 403:
                raise
            field = exc.field if exc.field in ("verdict", "comment", "score") else "verdict"
            errors.setdefault(f"c{number}-{field}", []).append(exc.message)
    return errors
