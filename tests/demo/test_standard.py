"""Shanghai's demo local standard (apps.demo.standard) and the demo campaign filled against it."""

import io

import pytest
from django.db import models

from apps.assessments.models import Assessment, Response, State
from apps.demo import campaign, standard
from apps.demo.accounts import seed_demo_accounts
from apps.standards.models import Criterion, StandardVersion
from apps.standards.selectors import national_standard, standard_for
from tests.review.test_demo import shanghai_registry

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    out = io.StringIO()
    local = standard.seed(accounts=accounts, stdout=out)
    campaign.seed(accounts=accounts, stdout=out)
    return {"accounts": accounts, "standard": local, "out": out}


def test_shanghai_publishes_18_criteria_100_points_pass_mark_70(seeded):
    local = seeded["standard"]
    assert standard_for(province="310000000000", year=2026) == local
    assert (local.state, local.total_points, local.pass_mark) == ("published", 100, 70)
    criteria = Criterion.objects.filter(standard=local)
    assert criteria.count() == 18
    assert sum(c.points for c in criteria) == 100
    assert set(criteria.values_list("national_criterion__number", flat=True)) == set(range(1, 17))
    by_number = {c.number: c for c in criteria}
    assert by_number[17].national_criterion.number == 5 and by_number[17].kind == "percent"
    assert by_number[5].kind == "rating"
    assert by_number[18].national_criterion.number == 15
    assert by_number[12].threshold == 50
    # The text a community reads says the threshold it is checked against (issue 20, item 3).
    assert by_number[12].text_zh == "物业管理覆盖面不低于50%"
    assert by_number[12].text_en == "Property-management coverage is at least 50%"
    # Other provinces and the previous year keep the national standard.
    assert standard_for(province="110000000000", year=2026) == national_standard()
    assert standard_for(province="310000000000", year=2025) == national_standard()


def test_the_demo_assessments_are_filled_and_reviewed_against_it(seeded):
    local = seeded["standard"]
    this_year = Assessment.objects.filter(province_id="310000000000", year=2026)
    assert this_year.exists() and not this_year.exclude(standard=local).exists()
    assert set(Assessment.objects.filter(year=2025).values_list("standard__code", flat=True)) == {
        national_standard().code
    }
    submitted = this_year.exclude(state=State.DRAFT)
    for a in submitted:
        assert Response.objects.filter(assessment=a, rating="").count() == 0, a
    approved = this_year.filter(state=State.APPROVED)
    assert approved.exists()
    for a in approved:
        assert Response.objects.filter(assessment=a, verdict="confirmed").count() == 18
    # Figures agree with Shanghai's thresholds (12 needs 50 %).
    for r in Response.objects.filter(assessment__in=submitted, criterion__number=12, rating="met"):
        assert r.figure >= 50


def test_seeding_again_changes_nothing(seeded):
    before = (StandardVersion.objects.count(), Assessment.objects.count())
    accounts = seed_demo_accounts()
    out = io.StringIO()
    assert standard.seed(accounts=accounts, stdout=out) == seeded["standard"]
    campaign.seed(accounts=accounts, stdout=out)
    assert (StandardVersion.objects.count(), Assessment.objects.count()) == before


def test_a_year_already_frozen_is_left_alone(settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    out = io.StringIO()
    campaign.seed(accounts=accounts, stdout=out)  # an older demo database: assessments first
    assert standard.seed(accounts=accounts, stdout=out) is None
    assert "frozen" in out.getvalue()
    assert not StandardVersion.objects.filter(province__isnull=False).exists()


def test_the_demo_assessments_carry_self_and_confirmed_scores(seeded):
    """Every submitted Shanghai assessment has a self-score per criterion, and every approved one a
    confirmed score per criterion; the stored totals equal the sums; one approval below the pass
    mark carries its written reason."""
    local = seeded["standard"]
    this_year = Assessment.objects.filter(province_id="310000000000", year=2026, standard=local)
    submitted = this_year.exclude(state=State.DRAFT)
    assert submitted.exists()
    for a in submitted:
        responses = list(Response.objects.filter(assessment=a).select_related("criterion"))
        assert all(r.self_score is not None and 0 <= r.self_score <= r.criterion.points for r in responses), a
        assert a.self_total == sum(r.self_score for r in responses)
    approved = this_year.filter(state__in=[State.APPROVED, State.REVOKED])
    assert approved.exists()
    below = 0
    for a in approved:
        responses = list(Response.objects.filter(assessment=a))
        assert all(r.confirmed_score is not None for r in responses), a
        assert a.confirmed_total == sum(r.confirmed_score for r in responses)
        if a.confirmed_total < local.pass_mark:
            below += 1
            assert a.events.get(action="approved").reason
    assert below >= 1
    assert this_year.filter(confirmed_total__lt=models.F("self_total")).exists()  # a correction
