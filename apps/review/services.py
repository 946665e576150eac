"""The reviewers' decisions on a whole assessment: recommend it to the next level, return it to the
community, approve it (one or many), revoke an approval, designate a demonstration community.

Each decision is atomic: it locks the assessment, checks who may act through the workflow
(apps.review.workflow: the chain is data), records who did what in the assessment's append-only
history in the same transaction, and notifies the people concerned after commit. A refused request
raises ServiceError (ConflictError when someone acted first, ForbiddenError for a role that may not
act, NotFoundError out of scope) and changes nothing. The other writes of the review live beside
it: the chain (chain_services), submitting (submit_services), the verdicts (verdict_services).
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import is_province_staff
from apps.accounts.models import User
from apps.assessments import scores as assessment_scores
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, Response, State, Verdict
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.events import figures_changed
from apps.core.text import text_check

from . import hooks, workflow
from .models import Demonstration
from .notify import notify_community, notify_level
from .repeats import own_last_decision, repeats_own_decision


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
    the decision this user just took (repeats_own_decision), which then is not taken again.
    Callers are inside a transaction."""
    locked = assessment_services.assessment_lock(assessment)
    if not locked.is_visible_to(user):
        raise NotFoundError(_("This assessment does not exist."))
    if action not in workflow.available_actions(user, locked):
        if not workflow.role_may(user, locked, action):
            raise ForbiddenError(_("Your role may not do this."))
        if repeats_own_decision(
            locked, user, history_action, reason=reason, expected_version=expected_version
        ):
            locked.decision_repeated = True
            return locked, True
        state = workflow.status_label(locked)
        if own_last_decision(locked, user, history_action) is not None:
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


def _transition(
    assessment: Assessment,
    user: User,
    action: str,
    *,
    history_action: str,
    to_state: str,
    stamp: str,
    reason: str = "",
    expected_version: int | None = None,
    extra_fields=(),
    data=None,
) -> tuple[Assessment, bool]:
    """A decision with nothing to check between opening and applying it: _decision_open, then (unless
    the request only repeats it) _decide; a recommended assessment moves on to the next level of its
    chain. Answers (assessment, repeated). Callers are inside a transaction."""
    current, repeated = _decision_open(
        assessment,
        user,
        action,
        history_action=history_action,
        reason=reason,
        expected_version=expected_version,
    )
    if repeated:
        return current, True
    to_level = None
    if to_state == State.RECOMMENDED:
        chain = workflow.chain_of(current)
        to_level = workflow.next_level(chain, current.review_level) if current.review_level in chain else None
    locked = _decide(
        current,
        user,
        history_action=history_action,
        to_state=to_state,
        to_level=to_level or "",
        stamp=stamp,
        reason=reason,
        extra_fields=extra_fields,
        data=data,
    )
    return locked, False


def assessment_recommend(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """A level below the province recommends the assessment to the next level of its chain.
    Repeating one's own recommendation from the same version (double click, retry) changes nothing
    and answers the assessment as it stands (`decision_repeated` set)."""
    with transaction.atomic():
        locked, repeated = _transition(
            assessment,
            user,
            "recommend",
            history_action=Action.RECOMMENDED,
            to_state=State.RECOMMENDED,
            stamp="recommended_at",
            expected_version=expected_version,
        )
        if repeated:
            return locked
        notify_level(
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
        locked, repeated = _transition(
            assessment,
            user,
            "return",
            history_action=Action.RETURNED,
            to_state=State.RETURNED,
            stamp="returned_at",
            reason=reason,
            expected_version=expected_version,
            extra_fields=[("return_reason", reason)],
            data={"comments": {str(k): v for k, v in (comments or {}).items()}},
        )
        if repeated:
            return locked
        for number, text in (comments or {}).items():
            if (text or "").strip():
                Response.objects.filter(assessment=locked, criterion__number=int(number)).update(
                    review_comment=text.strip(),
                    verdict=Verdict.NOT_CONFIRMED,
                    reviewed_at=timezone.now(),
                    reviewed_by=user,
                )
        notify_community(
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
        decision = hooks.final_decision(province_id=current.province_id, year=current.year)
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
            notify_community(
                locked,
                _(
                    "Your %(year)s self-assessment passed the last review level: the community is proposed (拟认定) and will be named after the public notice (公示)."
                ),
            )
        else:
            notify_community(
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
        locked, repeated = _transition(
            assessment,
            user,
            "revoke",
            history_action=Action.REVOKED,
            to_state=State.REVOKED,
            stamp="revoked_at",
            reason=reason,
            expected_version=expected_version,
            extra_fields=[("revoke_reason", reason)],
        )
        if repeated:
            return locked
        notify_community(
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
        notify_community(
            locked,
            _("Your community was designated a demonstration community of %(year)s: %(reason)s"),
            reason=citation,
        )
    return demo
