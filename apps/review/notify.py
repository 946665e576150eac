"""The notices the review workflow sends: to the community committee of an assessment, and to the
reviewers of the level where it now waits. Called inside the transition's transaction; the notices
go out after commit (apps.notices.services.notify_users)."""

from apps.accounts.models import Role, User
from apps.assessments.models import Assessment
from apps.notices.services import notify_users

from . import selectors


def notify_community(assessment: Assessment, template: str, reason: str = "", **values) -> None:
    """Tell the community committee; `template` takes year, reason, community and `values`."""
    text = template % {
        "year": assessment.year,
        "reason": reason,
        "community": assessment.community.name,
        **values,
    }
    users = User.objects.filter(role=Role.COMMUNITY, community_id=assessment.community_id, is_active=True)
    notify_users(users=users, assessment=assessment, text=text, url=f"/assessments/{assessment.pk}/")


def notify_level(assessment: Assessment, key: str, template: str) -> None:
    """Tell the reviewers of the level where the assessment now waits."""
    if not key:
        return
    text = template % {"year": assessment.year, "community": assessment.community.name}
    users = selectors.level_reviewers(assessment=assessment, key=key)
    notify_users(users=users, assessment=assessment, text=text, url=f"/review/{assessment.pk}/")
