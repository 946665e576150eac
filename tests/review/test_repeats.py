"""The same decision posted twice by the same user (issue 20, item 6): a double click on 确认, 确认
again from a page reached with the back button, a client's retry. The second answers with the
outcome of the first (the same page, "该决定已提交"), records nothing twice and blames nobody; a
decision taken by someone else meanwhile is still refused with a conflict. Pages that offer
decisions are never served from the browser's cache."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from apps.assessments.models import Action, AssessmentEvent, State
from apps.review import services as review_services
from tests.factories import UserFactory, region

from .conftest import confirmed

pytestmark = pytest.mark.django_db


def _post_twice(client, url, data):
    """Both answers, and the messages the second one added (the first's are still waiting)."""
    first = client.post(url, data)
    before = len(list(get_messages(first.wsgi_request)))
    second = client.post(url, data)
    return first, second, [str(m) for m in get_messages(second.wsgi_request)][before:]


def _events(assessment, action) -> int:
    return AssessmentEvent.objects.filter(assessment=assessment, action=action).count()


@pytest.mark.parametrize(
    ("fixture", "role", "action", "extra", "history", "state"),
    [
        ("submitted", "city_user", "recommend", {}, Action.RECOMMENDED, State.RECOMMENDED),
        ("submitted", "city_user", "return", {"reason": "请补充佐证。"}, Action.RETURNED, State.RETURNED),
        ("recommended", "province_user", "approve", {}, Action.APPROVED, State.APPROVED),
        ("approved", "province_user", "revoke", {"reason": "复查不合格。"}, Action.REVOKED, State.REVOKED),
    ],
    ids=["recommend", "return", "approve", "revoke"],
)
def test_a_decision_posted_twice_answers_the_outcome_of_the_first(
    request, client_for, fixture, role, action, extra, history, state
):
    assessment = request.getfixturevalue(fixture)
    client = client_for(request.getfixturevalue(role))
    data = {"expected_version": assessment.version, **extra}
    data.update(confirmed(assessment) if action != "revoke" else {"confirm": "1"})
    url = reverse("review:decide", args=[assessment.pk, action])
    first, second, said = _post_twice(client, url, data)
    page = reverse("review:detail", args=[assessment.pk])
    assert (first.status_code, first.url) == (302, page)
    assert (second.status_code, second.url) == (302, page)
    assert len(said) == 1 and said[0].startswith("该决定已提交") and "其他人" not in said[0]
    assessment.refresh_from_db()
    assert assessment.state == state and assessment.version == data["expected_version"] + 1
    assert _events(assessment, history) == 1


def test_a_decision_taken_by_someone_else_meanwhile_is_still_a_conflict(submitted, city_user, client_for):
    colleague = UserFactory(username="xuhui-2", role="city", region=region("310104"))
    data = {**confirmed(submitted), "expected_version": submitted.version}
    url = reverse("review:decide", args=[submitted.pk, "recommend"])
    assert client_for(colleague).post(url, data).status_code == 302
    res = client_for(city_user).post(url, data)
    assert res.status_code == 409 and "其他人" in res.content.decode()
    assert _events(submitted, Action.RECOMMENDED) == 1


def test_the_same_user_from_an_older_page_is_told_it_was_their_own_decision(
    submitted, city_user, community_user, client_for
):
    seen = submitted.version
    returned = review_services.assessment_return(assessment=submitted, user=city_user, reason="请补充。")
    # Another return text from the same user: not the same decision, and not someone else's.
    res = client_for(city_user).post(
        reverse("review:decide", args=[submitted.pk, "return"]),
        {**confirmed(returned), "expected_version": seen, "reason": "另一个理由。"},
    )
    assert res.status_code == 409
    body = res.content.decode()
    assert "您已对这份自评作出过该决定" in body and "其他人" not in body
    assert _events(submitted, Action.RETURNED) == 1


def test_bulk_approval_confirmed_twice_approves_once(recommended, province_user, client_for):
    client = client_for(province_user)
    data = {"ids": [recommended.pk], "confirm": "1", f"version_{recommended.pk}": recommended.version}
    first, second, said = _post_twice(client, reverse("review:bulk-approve"), data)
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert said == ["这些自评已认定达标，未重复认定。"]
    assert _events(recommended, Action.APPROVED) == 1


def test_the_committee_submitting_twice_gets_the_submitted_assessment(assessment, community_user, client_for):
    from tests.review.conftest import fill

    fill(assessment, community_user)
    assessment.refresh_from_db()
    client = client_for(community_user)
    url = reverse("submission:submit", args=[assessment.pk])
    first, second, said = _post_twice(client, url, {"version": assessment.version})
    page = reverse("assessments:detail", args=[assessment.pk])
    assert (first.status_code, first.url) == (302, page) and (second.status_code, second.url) == (302, page)
    assert said == ["自评已提交审核，未重复提交。审核人员答复前自评为只读。"]
    assert _events(assessment, Action.SUBMITTED) == 1


def test_the_api_answers_a_repeated_decision_with_the_assessment_as_decided(
    submitted, city_user, province_user, community_user
):
    def api(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    base = f"/api/v1/assessments/{submitted.pk}/"
    steps = [
        (city_user, "recommend", {}, "recommended"),
        (province_user, "approve", {}, "approved"),
        (province_user, "revoke", {"reason": "复查不合格。"}, "revoked"),
    ]
    for user, action, body, state in steps:
        seen = api(user).get(base).json()["version"]
        for _ in range(2):  # a client's retry of the same request
            r = api(user).post(base + f"{action}/", {**body, "version": seen}, format="json")
            assert r.status_code == 200 and r.json()["state"] == state, r.content
    # Another reason is another decision; without a version a repeat cannot be told: both refused
    # (409), neither blaming anyone else.
    for body in ({"reason": "另一个理由。", "version": seen}, {"reason": "复查不合格。"}):
        r = api(province_user).post(base + "revoke/", body, format="json")
        assert r.status_code == 409 and "其他人" not in r.json()["message"]
        assert "您已对这份自评作出过该决定" in r.json()["message"]
    assert [_events(submitted, a) for a in (Action.RECOMMENDED, Action.APPROVED, Action.REVOKED)] == [1, 1, 1]


@pytest.mark.parametrize("who", ["city_user", "community_user"])
def test_pages_that_offer_decisions_are_not_kept_in_the_browser_cache(request, submitted, client_for, who):
    client = client_for(request.getfixturevalue(who))
    urls = (
        [reverse("review:detail", args=[submitted.pk]), reverse("review:queue")]
        if who == "city_user"
        else [
            reverse("submission:submit", args=[submitted.pk]),
            reverse("assessments:detail", args=[submitted.pk]),
        ]
    )
    for url in urls:
        res = client.get(url)
        assert res.status_code == 200
        assert "no-store" in res.headers["Cache-Control"], url
