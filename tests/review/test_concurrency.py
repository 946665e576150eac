"""Two reviewers deciding on the same assessment at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from apps.assessments.models import AssessmentEvent, State
from apps.core.errors import ConflictError
from apps.review import services as review_services
from apps.review import submit_services
from tests.factories import UserFactory, region

from .conftest import TRANSACTIONAL_APPS, ensure_reference_data, fill


@pytest.fixture
def reference_data_review(transactional_db):
    ensure_reference_data()


def race(*calls):
    """Run the calls in threads released together; each thread has its own database connection."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # noqa: BLE001  (collected and asserted by the test)
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.mark.services
@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_two_reviewers_deciding_at_once_exactly_one_wins(
    reference_data_review, community_user, city_user, province_user, assessment
):
    # One test for both levels: every transactional test reloads the region tree afterwards.
    fill(assessment, community_user)
    submitted = submit_services.assessment_submit(assessment=assessment, user=community_user)
    colleague = UserFactory(username="xuhui-2", role="city", region=region("310104"))
    seen = submitted.version
    results = race(
        lambda: review_services.assessment_recommend(
            assessment=submitted, user=city_user, expected_version=seen
        ),
        lambda: review_services.assessment_recommend(
            assessment=submitted, user=colleague, expected_version=seen
        ),
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], ConflictError)
    submitted.refresh_from_db()
    assert submitted.state == wins[0].state and submitted.version == seen + 1
    decided = AssessmentEvent.objects.filter(assessment=submitted, action="recommended")
    assert decided.count() == 1
    # Province level: two staff approve the same recommended assessment at once.
    colleague = UserFactory(username="sh-2", role="province", region=region("31"))
    results = race(
        lambda: review_services.assessment_approve(assessment=submitted, user=province_user),
        lambda: review_services.assessment_approve(assessment=submitted, user=colleague),
    )
    assert sorted(type(r).__name__ for r in results) == ["Assessment", "ConflictError"]
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    assert AssessmentEvent.objects.filter(assessment=submitted, action="approved").count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_one_reviewer_double_clicking_gets_the_same_outcome_twice(
    reference_data_review, community_user, city_user, assessment
):
    # Issue 20, item 6: both requests of a double click arrive together; one decides, the other
    # waits for the row lock and then answers the same outcome (no conflict, no error, one entry).
    fill(assessment, community_user)
    submitted = submit_services.assessment_submit(assessment=assessment, user=community_user)
    seen = submitted.version
    results = race(
        *[
            lambda: review_services.assessment_recommend(
                assessment=submitted, user=city_user, expected_version=seen
            )
        ]
        * 2
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert sorted(r.decision_repeated for r in results) == [False, True]
    assert {r.state for r in results} == {State.RECOMMENDED}
    assert AssessmentEvent.objects.filter(assessment=submitted, action="recommended").count() == 1
