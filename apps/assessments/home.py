"""Home panel of a community committee: this year's assessment (see apps.core.views.home_panels)."""

import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.accounts.capabilities import is_committee
from apps.standards.models import Category, Criterion
from apps.standards.selectors import standard_for

from . import selectors
from .models import Assessment, Response, State

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The province's annual summary report is due on 30 November: the community's work must be in before.
DEADLINE_MONTH, DEADLINE_DAY = 11, 30


def deadline_of(year: int) -> datetime.date:
    return datetime.date(year, DEADLINE_MONTH, DEADLINE_DAY)


def days_left(year: int, *, today: datetime.date | None = None) -> int:
    """Days from today (in China's time zone) to the province's deadline; negative once it passed."""
    today = today or timezone.localdate(timezone=SHANGHAI)
    return (deadline_of(year) - today).days


def panels(request) -> list[dict]:
    user = request.user
    if not is_committee(user):
        return []
    year = selectors.campaign_year()
    assessment = Assessment.objects.visible_to(user).filter(community_id=user.community_id, year=year).first()
    comments = []
    if assessment is not None and assessment.state == State.RETURNED:
        comments = list(
            Response.objects.filter(assessment=assessment)
            .exclude(review_comment="")
            .select_related("criterion")
            .order_by("criterion__number")
        )
    # The standard this year's assessment is (or will be) filled against: the province's local one.
    standard_id = assessment.standard_id if assessment is not None else None
    if standard_id is None:
        standard_id = standard_for(province=user.community.province_id, year=year).pk
    return [
        {
            "template": "assessments/home_community.html",
            "year": year,
            "assessment": assessment,
            "deadline": deadline_of(year),
            "days_left": days_left(year),
            "comments": comments,
            "total": Criterion.objects.filter(standard_id=standard_id).count(),
            "categories": Category.objects.filter(standard_id=standard_id).count(),
        }
    ]
