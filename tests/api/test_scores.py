"""Scores through the API (issue 12, item 5): assessments with self and confirmed scores per
criterion and totals; writing a self-score and a confirmed score; approving below the pass mark."""

from decimal import Decimal

import pytest

from apps.review import services as review_services
from apps.review import submit_services
from tests.assessments.test_scores import fill_scored
from tests.factories import AssessmentFactory
from tests.standards.builders import VARIANT_POINTS, variant_published


@pytest.fixture
def scored(province_user, community_user, xuhui_community, settings):
    settings.CAMPAIGN_YEAR = 2026
    variant_published(province_user, year=2026)
    return AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)


def test_the_community_writes_self_scores_and_reads_points_and_totals(api, scored, community_user):
    client = api(community_user)
    url = f"/api/v1/assessments/{scored.pk}/responses/17/"
    r = client.put(
        url,
        {"rating": "met", "statement": "全覆盖。", "figure": "100", "self_score": "9.5", "version": 0},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert (r.json()["points"], r.json()["self_score"], r.json()["confirmed_score"]) == (
        "10.00",
        "9.50",
        None,
    )
    r = client.put(
        url,
        {"rating": "met", "statement": "全覆盖。", "figure": "100", "self_score": "１０", "version": 1},
        format="json",
    )
    assert r.status_code == 400
    assert "全角" in str(r.json())
    body = client.get(f"/api/v1/assessments/{scored.pk}/").json()
    assert (body["self_total"], body["confirmed_total"], body["pass_mark"]) == ("9.50", None, "70.00")
    points = {x["criterion_number"]: Decimal(x["points"]) for x in body["responses"]}
    assert points == VARIANT_POINTS


def test_reviewers_confirm_scores_and_approve_below_the_pass_mark_with_a_reason(
    api, scored, community_user, city_user, province_user
):
    fill_scored(scored, community_user, score="4")
    a = submit_services.assessment_submit(assessment=scored, user=community_user)
    city = api(city_user)
    for n in range(1, 19):
        data = {"verdict": "confirmed", "score": "3" if n == 1 else "4"}
        if n == 1:
            data["comment"] = "扣1分。"
        r = city.post(f"/api/v1/assessments/{a.pk}/responses/{n}/review/", data, format="json")
        assert r.status_code == 200, r.json()
    assert r.json()["confirmed_score"] == "4.00"
    r = city.post(
        f"/api/v1/assessments/{a.pk}/responses/2/review/",
        {"verdict": "confirmed", "score": "1"},
        format="json",
    )
    assert r.status_code == 400
    body = city.get(f"/api/v1/assessments/{a.pk}/").json()
    assert (body["self_total"], body["confirmed_total"]) == ("72.00", "71.00")
    direct = sum(Decimal(x["confirmed_score"]) for x in body["responses"])
    assert direct == Decimal(body["confirmed_total"])
    a.refresh_from_db()
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    # Correct criterion 2 down at the province: 67 < 70.
    province = api(province_user)
    r = province.post(
        f"/api/v1/assessments/{a.pk}/responses/2/review/",
        {"verdict": "confirmed", "score": "0", "comment": "无台账。"},
        format="json",
    )
    assert r.status_code == 200
    r = province.post(f"/api/v1/assessments/{a.pk}/approve/", {}, format="json")
    assert r.status_code == 400 and "低于达标分数线" in str(r.json())
    r = province.post(f"/api/v1/assessments/{a.pk}/approve/", {"reason": "已承诺整改。"}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["confirmed_total"] == "67.00"
