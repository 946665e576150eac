"""Results for staff: figures equal a direct count, comments masked, scope, the gate."""

import pytest
from django.urls import reverse

from apps.core.errors import ServiceError
from apps.residents import selectors, services
from apps.residents.models import Answer
from apps.residents.privacy import mask_comment
from tests.factories import CommunityFactory, region

from .conftest import answer

pytestmark = pytest.mark.django_db


def test_figures_equal_a_direct_count(survey, xuhui_community):
    neighbour = CommunityFactory(street=region("310104003"))
    ratings = [(5, 4, 3), (4, 2, 1), (1, 5, 5), (3, 3, 4), (5, 5, 5)]
    for i, r in enumerate(ratings):
        answer(survey, xuhui_community, f"a{i}", list(r))
    answer(survey, neighbour, "other", [1, 1, 1])
    result = selectors.results(community_id=xuhui_community.code, year=2026)
    rows = Answer.objects.filter(community=xuhui_community, year=2026)
    assert result.answers == rows.count() == 5
    for i, q in enumerate(result.questions, start=1):
        assert q.answers == rows.filter(**{f"q{i}__isnull": False}).count()
        assert q.satisfied == rows.filter(**{f"q{i}__gte": 4}).count()
    direct = sum(1 for r in ratings for v in r if v >= 4)
    assert result.share == pytest.approx(100 * direct / 15)


def test_distribution_counts_each_community_once(survey, xuhui_community):
    neighbour = CommunityFactory(street=region("310104003"))
    for i in range(3):
        answer(survey, xuhui_community, f"x{i}", [5, 5, 4])
    answer(survey, neighbour, "n", [1, 2, 5])
    d = selectors.distribution(survey=survey)
    assert d["communities"] == 2
    assert dict(d["buckets"])["≥ 90 %"] == 1
    assert dict(d["buckets"])["< 60 %"] == 1
    assert d["meeting"] == 1


def test_comments_are_masked_for_staff():
    text = "我的电话13812345678，身份证110101199003071234，座机021-64381234，傻逼物业"
    masked = mask_comment(text)
    assert "13812345678" not in masked and "138****5678" in masked
    assert "19900307" not in masked and "110101" in masked
    assert "64381234" not in masked
    assert "傻逼" not in masked


def test_results_page_shows_masked_comments_and_scope(
    client_for, survey, xuhui_community, city_user, other_community, ministry_user
):
    answer(survey, xuhui_community, "c1", [5, 5, 5], comment="联系我 13912345678")
    client = client_for(city_user)
    html = client.get(
        reverse("residents:results", kwargs={"code": xuhui_community.code, "year": 2026})
    ).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert 'data-testid="resident-gate"' in html
    other = client.get(reverse("residents:results", kwargs={"code": other_community.code, "year": 2026}))
    assert other.status_code == 404


def test_the_public_page_never_shows_comments(client, survey, submitted):
    answer(survey, submitted.community, "c1", [5, 5, 5], comment="公开页不显示的意见")
    html = client.get(reverse("residents:page", kwargs={"code": submitted.community_id})).content.decode()
    assert "公开页不显示的意见" not in html


def test_gate_refuses_the_last_levels_decision(survey, recommended, province_user):
    from apps.review import services as review_services

    answer(survey, recommended.community, "g1", [5, 5, 5])
    with pytest.raises(ServiceError) as refusal:
        review_services.assessment_approve(assessment=recommended, user=province_user)
    assert "居民满意度" in str(refusal.value.message) or "satisf" in str(refusal.value.message)
    recommended.refresh_from_db()
    assert recommended.state == "recommended"
    answer(survey, recommended.community, "g2", [4, 4, 4])
    answer(survey, recommended.community, "g3", [4, 5, 3])
    approved = review_services.assessment_approve(assessment=recommended, user=province_user)
    assert approved.state == "approved"


def test_no_gate_no_refusal(recommended, province_user):
    from apps.review import services as review_services

    assert review_services.assessment_approve(assessment=recommended, user=province_user).state == "approved"


def test_review_page_shows_the_result_and_gate(client_for, survey, recommended, province_user):
    answer(survey, recommended.community, "r1", [5, 4, 1])
    html = (
        client_for(province_user)
        .get(reverse("review:detail", kwargs={"pk": recommended.pk}))
        .content.decode()
    )
    assert 'data-testid="resident-line"' in html
    assert 'data-met="no"' in html


def test_only_the_province_sets_its_survey(city_user, beijing_province_user):
    for user in (city_user, beijing_province_user):
        with pytest.raises(ServiceError):
            services.survey_set(
                user=user,
                province_id="310000000000",
                year=2026,
                questions=["a"],
                sms_required=False,
                gate_share_percent=None,
                gate_min_answers=None,
            )


def test_questions_are_fixed_once_answered(survey, province_user, xuhui_community):
    answer(survey, xuhui_community, "f1", [5, 5, 5])
    with pytest.raises(ServiceError):
        services.survey_set(
            user=province_user,
            province_id="310000000000",
            year=2026,
            questions=["新问题"],
            sms_required=False,
            gate_share_percent=80,
            gate_min_answers=30,
        )
    services.survey_set(
        user=province_user,
        province_id="310000000000",
        year=2026,
        questions=survey.questions,
        sms_required=True,
        gate_share_percent=70,
        gate_min_answers=30,
    )


def test_survey_settings_page(client_for, province_user, survey, xuhui_community):
    answer(survey, xuhui_community, "s1", [5, 5, 5])
    client = client_for(province_user)
    url = reverse("residents:survey-settings", kwargs={"year": 2026})
    html = client.get(url).content.decode()
    assert 'data-testid="distribution"' in html
    bad = client.post(url, {"questions": "a\nb", "gate_share_percent": "80"})
    assert bad.status_code in (400, 409)
    assert "a\nb" in bad.content.decode()
