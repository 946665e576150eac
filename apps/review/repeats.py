"""A decision repeated (a double click on 确认, 确认 again after the back button, a client's retry):
what the assessment's history says about the user's last decision. The transitions answer such a
request with the outcome of the first instead of a conflict (apps.review.services,
apps.review.submit_services)."""

from apps.accounts.models import User
from apps.assessments.models import Assessment, AssessmentEvent


def own_last_decision(locked: Assessment, user: User, history_action: str) -> AssessmentEvent | None:
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


def repeats_own_decision(
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
    last = own_last_decision(locked, user, history_action)
    if last is None:
        return False
    # An approval at or above the pass mark keeps no reason: a reason repeated with it is no change.
    return not last.reason or last.reason == reason
