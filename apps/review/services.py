"""Every write of the review workflow: the province's review chain, submitting, per-criterion
verdicts, and the decisions (recommend to the next level, return, approve, revoke, designate).

Each transition is atomic: it locks the assessment, checks who may act through the workflow
(apps.review.workflow: the chain is data), records who did what in the assessment's append-only
history in the same transaction, and notifies the people concerned after commit. A refused request
raises ServiceError (ConflictError when someone acted first, ForbiddenError for a role that may not
act, NotFoundError out of scope) and changes nothing.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_configure_province, is_committee, is_province_staff
from apps.accounts.models import Role, User
from apps.assessments import scores as assessment_scores
from apps.assessments import services as assessment_services
from apps.assessments.models import (
    EDITABLE_STATES,
    Action,
    Assessment,
    AssessmentEvent,
    Response,
    State,
    Verdict,
)
from apps.assessments.services import UNCHANGED
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.events import assessment_submitted, figures_changed
from apps.core.models import TraceAction, TraceKind
from apps.core.text import text_check
from apps.core.trace import trace_append
from apps.naming import selectors as naming_selectors
from apps.notices.services import notify_users

from . import hooks, selectors, workflow
from .models import Demonstration, ReviewChain

# --- The province's chain -------------------------------------------------------------------


def review_chain_set(*, user: User, province_id: str, year: int, levels) -> ReviewChain:
    """Set the review levels of a provincial unit for a campaign year. Provincial staff of the unit
    only; refused once an assessment of that year has been submitted (the chain is then frozen), and
    for a chain that skips the province, repeats or misorders a level, or names a level with no
    active account in the province. Recorded in the account and registry history. Idempotent: the
    same chain again changes nothing."""
    if not can_configure_province(user, province_id):
        raise ForbiddenError(_("Only the provincial department can set its review chain."))
    levels = tuple(levels)
    problems = workflow.chain_problems(levels)
    if problems:
        raise ServiceError(" ".join(str(p) for p in problems), code="invalid_chain", field="levels")
    missing = [key for key in levels if not selectors.level_has_accounts(province_id=province_id, key=key)]
    if missing:
        raise ServiceError(
            _("No active account reviews at this level in your province yet: %(levels)s.")
            % {"levels": "、".join(str(workflow.level_name(k, levels)) for k in missing)},
            code="level_without_accounts",
            field="levels",
        )
    with transaction.atomic():
        if selectors.chain_is_frozen(province_id=province_id, year=year):
            raise ConflictError(
                _(
                    "Assessments of %(year)s have already been submitted: the review chain of %(year)s can no longer be changed."
                )
                % {"year": year},
                code="chain_frozen",
            )
        current = ReviewChain.objects.select_for_update().filter(province_id=province_id, year=year).first()
        before = current.levels if current else ""
        text = workflow.chain_text(levels)
        if current is not None and current.levels == text:
            return current
        if current is None:
            current = ReviewChain(province_id=province_id, year=year)
        current.levels = text
        current.set_by = user
        current.set_at = timezone.now()
        current.save()
        trace_append(
            kind=TraceKind.CHAIN,
            action=TraceAction.CHAIN_SET,
            actor=user,
            subject=f"{province_id}/{year}",
            subject_label=f"{year}",
            province_id=province_id,
            data={"year": year, "before": before, "after": text},
        )
    return current


# --- Submitting ---------------------------------------------------------------------------------


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
            if locked.state == State.SUBMITTED and _repeats_own_decision(
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
        _notify_level(
            locked,
            locked.review_level,
            _("%(community)s resubmitted its %(year)s self-assessment for your review.")
            if from_state == State.RETURNED
            else _("%(community)s submitted its %(year)s self-assessment for your review."),
        )
        # The committee's receipt: what was received and who decides next.
        _notify_community(
            locked,
            _(
                "Your %(year)s self-assessment was received (round %(round)s) and now waits for the "
                "%(level)s. You will be told of the decision."
            ),
            round=locked.round,
            level=workflow.level_name(locked.review_level, chain),
        )
    return locked


# --- Review -------------------------------------------------------------------------------------


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


def _own_last_decision(locked: Assessment, user: User, history_action: str) -> AssessmentEvent | None:
    """The assessment's last change of state when it was `history_action` taken by `user`."""
    last = (
        AssessmentEvent.objects.filter(assessment=locked)
        .exclude(to_state="")
        .order_by("-at", "-id")
        .only("action", "actor_id", "reason")
        .first()
    )
    if last is None or last.action != history_action or last.actor_id != user.pk:
        return None
    return last


def _repeats_own_decision(
    locked: Assessment, user: User, history_action: str, *, reason: str, expected_version: int | None
) -> bool:
    """Whether this request only repeats the decision `user` took last on the assessment (a double
    click, 确认 again from a page reached with the back button, a client's retry): the assessment's
    last change of state is that very decision by that user, taken on the version the request says
    it was made from (the decision moved it one version on), with the same reason where the
    decision kept one. A request without a version cannot say so: it gets the conflict. Callers
    hold the row lock."""
    if expected_version is None or locked.version != int(expected_version) + 1:
        return False
    last = _own_last_decision(locked, user, history_action)
    if last is None:
        return False
    # An approval at or above the pass mark keeps no reason: a reason repeated with it is no change.
    return not last.reason or last.reason == reason


def _decision_open(
    assessment: Assessment,
    user: User,
    action: str,
    *,
    history_action: str,
    reason: str = "",
    expected_version: int | None = None,
) -> tuple[Assessment, bool]:
    """Lock the assessment and check that `action` is open to `user` now
    (workflow.available_actions). Answers (locked, repeated): `repeated` when the request repeats
    the decision this user just took (_repeats_own_decision), which then is not taken again.
    Callers are inside a transaction."""
    locked = assessment_services.assessment_lock(assessment)
    if not locked.is_visible_to(user):
        raise NotFoundError(_("This assessment does not exist."))
    if action not in workflow.available_actions(user, locked):
        if not workflow.role_may(user, locked, action):
            raise ForbiddenError(_("Your role may not do this."))
        if _repeats_own_decision(
            locked, user, history_action, reason=reason, expected_version=expected_version
        ):
            locked.decision_repeated = True
            return locked, True
        state = workflow.status_label(locked)
        if _own_last_decision(locked, user, history_action) is not None:
            # The user's own decision, from an older page or with another text: nobody else to blame.
            raise ConflictError(
                _(
                    "You already took this decision on the assessment; it is now %(state)s. Nothing was changed."
                )
                % {"state": state},
                code="wrong_state",
            )
        raise ConflictError(
            _("The assessment is already %(state)s: someone acted on it before you. Nothing was changed.")
            % {"state": state},
            code="wrong_state",
        )
    assessment_services.check_version(locked, expected_version)
    locked.decision_repeated = False
    return locked, False


def _decide(
    locked: Assessment,
    user: User,
    *,
    history_action: str,
    to_state: str,
    stamp: str,
    to_level: str = "",
    reason: str = "",
    extra_fields=(),
    data=None,
) -> Assessment:
    """Apply a decision that _decision_open found open, and record it. Callers hold the lock."""
    from_state, from_level = locked.state, locked.review_level
    locked.state = to_state
    locked.review_level = to_level
    setattr(locked, stamp, timezone.now())
    locked.version += 1
    for name, value in extra_fields:
        setattr(locked, name, value)
    locked.save(
        update_fields=[
            "state",
            "review_level",
            stamp,
            "version",
            "updated_at",
            *[n for n, _v in extra_fields],
        ]
    )
    assessment_services.history_append(
        locked,
        user,
        history_action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data={"level": from_level, **({"to_level": to_level} if to_level else {}), **(data or {})},
    )
    figures_changed(province_id=locked.province_id, year=locked.year)
    return locked


def assessment_recommend(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """A level below the province recommends the assessment to the next level of its chain.
    Repeating one's own recommendation from the same version (double click, retry) changes nothing
    and answers the assessment as it stands (`decision_repeated` set)."""
    with transaction.atomic():
        current, repeated = _decision_open(
            assessment,
            user,
            "recommend",
            history_action=Action.RECOMMENDED,
            expected_version=expected_version,
        )
        if repeated:
            return current
        chain = workflow.chain_of(current)
        to_level = workflow.next_level(chain, current.review_level) if current.review_level in chain else None
        locked = _decide(
            current,
            user,
            history_action=Action.RECOMMENDED,
            to_state=State.RECOMMENDED,
            to_level=to_level or "",
            stamp="recommended_at",
        )
        _notify_level(
            locked,
            locked.review_level,
            _("%(community)s's %(year)s self-assessment was recommended to you for review."),
        )
    return locked


def assessment_return(
    *,
    assessment: Assessment,
    user: User,
    reason: str,
    comments: dict[int, str] | None = None,
    expected_version: int | None = None,
) -> Assessment:
    """Return to the community for revision, from any level of the chain. A reason is required;
    per-criterion comments (criterion number -> text) are shown next to each. The next submission
    starts at the first level again. Repeating one's own return from the same version with the same
    reason changes nothing (`decision_repeated` set)."""
    reason = text_check(reason, field="reason", label=_("Reason for return"), multiline=True).strip()
    comments = _criterion_comments(assessment, comments or {})
    for number, text in comments.items():
        text_check(
            text,
            field=f"comments.{number}",
            label=_("Comment on criterion %(n)s") % {"n": number},
            multiline=True,
        )
    if not reason:
        raise ServiceError(
            _("Give a reason for returning the assessment."), code="reason_required", field="reason"
        )
    with transaction.atomic():
        current, repeated = _decision_open(
            assessment,
            user,
            "return",
            history_action=Action.RETURNED,
            reason=reason,
            expected_version=expected_version,
        )
        if repeated:
            return current
        locked = _decide(
            current,
            user,
            history_action=Action.RETURNED,
            to_state=State.RETURNED,
            stamp="returned_at",
            reason=reason,
            extra_fields=[("return_reason", reason)],
            data={"comments": {str(k): v for k, v in (comments or {}).items()}},
        )
        for number, text in (comments or {}).items():
            if (text or "").strip():
                Response.objects.filter(assessment=locked, criterion__number=int(number)).update(
                    review_comment=text.strip(),
                    verdict=Verdict.NOT_CONFIRMED,
                    reviewed_at=timezone.now(),
                    reviewed_by=user,
                )
        _notify_community(
            locked, _("Your %(year)s self-assessment was returned for revision: %(reason)s"), reason=reason
        )
    return locked


def _criterion_comments(assessment: Assessment, comments: dict) -> dict[int, str]:
    """Comments keyed by criterion number (keys may come as text from the API); a key that is no
    criterion of the assessment's standard is refused, naming it."""
    numbers = set(assessment.responses.values_list("criterion__number", flat=True)) if comments else set()
    out = {}
    for key, text in comments.items():
        key_text = str(key)
        if not (key_text.isascii() and key_text.isdigit()) or int(key_text) not in numbers:
            raise ServiceError(
                _("There is no criterion %(key)s in this assessment.") % {"key": key_text[:20]},
                code="unknown_criterion",
                field="comments",
            )
        out[int(key_text)] = text
    return out


def assessment_approve(
    *, assessment: Assessment, user: User, reason: str = "", expected_version: int | None = None
) -> Assessment:
    """The province, the last level of every chain, approves. Where the province has a naming
    procedure for the year (apps.naming.procedure) the assessment becomes proposed (拟认定) and is
    named later with its batch; otherwise the community meets the requirements (达到创建要求) from
    now on, as before the procedure existed. Under a scored standard, an assessment whose score is
    below the pass mark (the confirmed total; before any level confirmed a score, the self total:
    assessments.scores.standing) is approved only with a written reason, which the history keeps; at
    or above it no reason is asked for (one given is not kept). Repeating one's own approval from the
    same version (double click, retry) changes nothing (`decision_repeated` set)."""
    reason = text_check(reason, field="reason", label=_("Reason"), multiline=True).strip()
    with transaction.atomic():
        current = assessment_services.assessment_lock(assessment)
        score = assessment_scores.standing(current) if current.is_visible_to(user) else None
        if not (score and score.below):
            reason = ""
        decision = naming_selectors.final_decision(province_id=current.province_id, year=current.year)
        current, repeated = _decision_open(
            current,
            user,
            "approve",
            history_action=decision.action,
            reason=reason,
            expected_version=expected_version,
        )
        if repeated:
            return current
        # What other apps ask of the approval (apps.review.hooks: the residents' gate of the year).
        for check in hooks.APPROVAL_CHECKS:
            check(current)
        if score and score.below and not reason:
            raise ServiceError(
                (
                    _(
                        "The confirmed total %(total)s is below the pass mark of %(mark)s: approve only with a written reason."
                    )
                    if score.confirmed
                    else _(
                        "No level confirmed the scores yet and the self-score total %(total)s is below the pass mark of %(mark)s: approve only with a written reason."
                    )
                )
                % {
                    "total": assessment_scores.score_text(score.total) or "0",
                    "mark": assessment_scores.score_text(current.standard.pass_mark),
                },
                code="reason_required",
                field="reason",
            )
        locked = _decide(
            current,
            user,
            history_action=decision.action,
            to_state=decision.state,
            stamp=decision.stamp,
            reason=reason,
            data=(
                {
                    "confirmed_total": assessment_scores.score_text(current.confirmed_total),
                    "pass_mark": assessment_scores.score_text(current.standard.pass_mark),
                }
                if current.standard.is_scored
                else None
            ),
        )
        if decision.proposes:
            _notify_community(
                locked,
                _(
                    "Your %(year)s self-assessment passed the last review level: the community is proposed (拟认定) and will be named after the public notice (公示)."
                ),
            )
        else:
            _notify_community(
                locked, _("Your %(year)s self-assessment was approved: the community meets the requirements.")
            )
    return locked


def assessment_bulk_approve(
    *, assessments: list[Assessment], user: User, expected_versions: dict[int, int] | None = None
) -> list[Assessment]:
    """Approve several assessments waiting at the province at once, all or nothing, each by
    assessment_approve: none below the pass mark (it needs its written reason, on its own page), and
    `expected_versions` (pk -> version shown on the confirmation page) refuses the whole batch if
    any one changed. The same batch posted again by the same user (double click) changes nothing:
    each answers as repeated. A refusal names the community it concerns."""
    versions = expected_versions or {}
    with transaction.atomic():
        approved = []
        for a in assessments:
            try:
                approved.append(
                    assessment_approve(assessment=a, user=user, expected_version=versions.get(a.pk))
                )
            except ServiceError as exc:
                # Say which one stopped the batch (the others were not approved either).
                exc.message = f"{a.community.name}：{exc.message}"
                raise
        return approved


def assessment_revoke(
    *, assessment: Assessment, user: User, reason: str, expected_version: int | None = None
) -> Assessment:
    """Revoke (摘牌) an approval after a failed re-check: the community stops counting as meeting the
    requirements from now on; the approval itself stays in the history. Provincial staff only.
    Repeating one's own revocation from the same version with the same reason changes nothing
    (`decision_repeated` set)."""
    reason = text_check(reason, field="reason", label=_("Reason for revocation"), multiline=True).strip()
    if not reason:
        raise ServiceError(_("Give a reason for the revocation."), code="reason_required", field="reason")
    with transaction.atomic():
        current, repeated = _decision_open(
            assessment,
            user,
            "revoke",
            history_action=Action.REVOKED,
            reason=reason,
            expected_version=expected_version,
        )
        if repeated:
            return current
        locked = _decide(
            current,
            user,
            history_action=Action.REVOKED,
            to_state=State.REVOKED,
            stamp="revoked_at",
            reason=reason,
            extra_fields=[("revoke_reason", reason)],
        )
        _notify_community(
            locked, _("The approval of your %(year)s self-assessment was revoked: %(reason)s"), reason=reason
        )
    return locked


def demonstration_designate(
    *, assessment: Assessment, user: User, citation: str, expected_version: int | None = None
) -> Demonstration:
    """Designate an approved community as a demonstration community (示范社区) of the assessment's
    year, or change the citation. Provincial staff only."""
    # Typed in a textarea: line breaks are text, other control characters are refused.
    citation = text_check(citation, field="citation", label=_("Citation"), multiline=True).strip()
    if not citation:
        raise ServiceError(_("Write a short citation."), code="citation_required", field="citation")
    with transaction.atomic():
        locked = assessment_services.assessment_lock(assessment)
        if not locked.is_visible_to(user):
            raise NotFoundError(_("This assessment does not exist."))
        if not is_province_staff(user, locked.province_id):
            raise ForbiddenError(_("Your role may not do this."))
        if "designate" not in workflow.available_actions(user, locked):
            raise ConflictError(_("Only approved communities can be designated."), code="wrong_state")
        assessment_services.check_version(locked, expected_version)
        demo, _created = Demonstration.objects.update_or_create(
            assessment=locked,
            defaults={
                "year": locked.year,
                "citation": citation[:300],
                "designated_at": timezone.now(),
                "designated_by": user,
            },
        )
        assessment_services.history_append(
            locked, user, Action.DESIGNATED, reason=citation, data={"year": locked.year}
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        _notify_community(
            locked,
            _("Your community was designated a demonstration community of %(year)s: %(reason)s"),
            reason=citation,
        )
    return demo


# --- Notices ------------------------------------------------------------------------------------


def _notify_community(assessment: Assessment, template: str, reason: str = "", **values) -> None:
    text = template % {
        "year": assessment.year,
        "reason": reason,
        "community": assessment.community.name,
        **values,
    }
    users = User.objects.filter(role=Role.COMMUNITY, community_id=assessment.community_id, is_active=True)
    notify_users(users=users, assessment=assessment, text=text, url=f"/assessments/{assessment.pk}/")


def _notify_level(assessment: Assessment, key: str, template: str) -> None:
    """Tell the reviewers of the level where the assessment now waits."""
    if not key:
        return
    text = template % {"year": assessment.year, "community": assessment.community.name}
    users = selectors.level_reviewers(assessment=assessment, key=key)
    notify_users(users=users, assessment=assessment, text=text, url=f"/review/{assessment.pk}/")
