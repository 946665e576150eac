"""Home panel of a community committee: this year's assessment (see apps.core.views.home_panels)."""

from apps.accounts.capabilities import is_committee
from apps.core import campaign
from apps.standards.models import Category, Criterion
from apps.standards.selectors import standard_for

from .models import Assessment, Response, State


def panels(request) -> list[dict]:
    user = request.user
    if not is_committee(user):
        return []
    year = campaign.campaign_year()
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
            "due": campaign.due(campaign.community_deadline(year)),
            "late": assessment is not None and campaign.community_submission_late(assessment),
            "comments": comments,
            "total": Criterion.objects.filter(standard_id=standard_id).count(),
            "categories": Category.objects.filter(standard_id=standard_id).count(),
        }
    ]
