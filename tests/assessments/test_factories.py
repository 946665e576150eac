"""The assessment factory builds through the services: the rows a user's actions leave behind."""

import pytest

from apps.assessments.models import Action, AssessmentEvent, Evidence, State
from tests.assessments.factories import AssessmentFactory, AssessmentRowFactory

DECISIONS = (Action.SUBMITTED, Action.RECOMMENDED, Action.APPROVED, Action.RETURNED, Action.REVOKED)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("state", "actions"),
    [
        (State.DRAFT, []),
        (State.SUBMITTED, [Action.SUBMITTED]),
        (State.APPROVED, [Action.SUBMITTED, Action.RECOMMENDED, Action.APPROVED]),
        (State.RETURNED, [Action.SUBMITTED, Action.RETURNED]),
        (State.REVOKED, [Action.SUBMITTED, Action.RECOMMENDED, Action.APPROVED, Action.REVOKED]),
    ],
)
def test_assessment_factory_goes_through_the_services(state, actions, settings):
    settings.CAMPAIGN_YEAR = 2026
    assessment = AssessmentFactory(state=state)
    assessment.refresh_from_db()
    assert assessment.state == state
    assert assessment.responses.count() == 16
    assert assessment.responses.exclude(rating="met").count() == 0
    assert Evidence.objects.filter(response__assessment=assessment).count() == 16
    decisions = (
        AssessmentEvent.objects.filter(assessment=assessment)
        .filter(action__in=DECISIONS)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert list(decisions) == actions


@pytest.mark.django_db
def test_row_factory_waits_where_the_default_chain_puts_it():
    submitted = AssessmentRowFactory(state=State.SUBMITTED)
    assert (submitted.review_level, submitted.review_chain) == ("county", "county,province")
    assert submitted.province_id == submitted.community.province_id
    assert submitted.street_id == submitted.community.street_id
    assert AssessmentRowFactory(state=State.APPROVED).review_chain == ""
