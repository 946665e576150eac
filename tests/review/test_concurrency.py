"""Two reviewers deciding on the same assessment at the same moment (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from apps.assessments import services
from apps.assessments.models import AssessmentEvent, State
from apps.core.errors import ConflictError
from tests.factories import UserFactory, region

from .conftest import fill


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
@pytest.mark.django_db(transaction=True)
def test_recommend_and_return_at_once_exactly_one_wins(community_user, city_user, assessment):
    fill(assessment, community_user)
    submitted = services.assessment_submit(assessment=assessment, user=community_user)
    colleague = UserFactory(username="xuhui-2", role="city", region=region("310104"))
    seen = submitted.version
    results = race(
        lambda: services.assessment_recommend(assessment=submitted, user=city_user, expected_version=seen),
        lambda: services.assessment_return(
            assessment=submitted, user=colleague, reason="不同意", expected_version=seen
        ),
    )
    wins = [r for r in results if not isinstance(r, Exception)]
    losses = [r for r in results if isinstance(r, Exception)]
    assert len(wins) == 1 and len(losses) == 1
    assert isinstance(losses[0], ConflictError)
    submitted.refresh_from_db()
    assert submitted.state == wins[0].state and submitted.version == seen + 1
    decided = AssessmentEvent.objects.filter(assessment=submitted, action__in=["recommended", "returned"])
    assert decided.count() == 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_two_provinces_staff_approve_and_revoke_race(community_user, city_user, province_user, assessment):
    fill(assessment, community_user)
    a = services.assessment_submit(assessment=assessment, user=community_user)
    a = services.assessment_recommend(assessment=a, user=city_user)
    colleague = UserFactory(username="sh-2", role="province", region=region("31"))
    results = race(
        lambda: services.assessment_approve(assessment=a, user=province_user),
        lambda: services.assessment_approve(assessment=a, user=colleague),
    )
    assert sorted(type(r).__name__ for r in results) == ["Assessment", "ConflictError"]
    a.refresh_from_db()
    assert a.state == State.APPROVED
    assert AssessmentEvent.objects.filter(assessment=a, action="approved").count() == 1
