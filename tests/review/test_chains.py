"""Review chains as data: a province's own levels, set on its page, frozen by the first submission,
walked level by level, with returns going back to the community and every level's reviewer scoped."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Assessment, State
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.models import TraceEvent, TraceKind
from apps.notices.models import Notice
from apps.review import chain_services, selectors, submit_services, workflow
from apps.review import services as review_services
from apps.review.models import ReviewChain
from tests.assessments.conftest import fill
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region
from tests.review.conftest import confirmed

SHANGHAI = "310000000000"
CHAIN = ("street", "county", "province")


@pytest.fixture
def street_user(db):
    """上海市徐汇区天平路街道办事处: the street of the community fixtures."""
    return UserFactory(username="tianping-office", role=Role.STREET, region=region("310104003"))


@pytest.fixture
def shanghai_chain(street_user, city_user, province_user):
    return chain_services.review_chain_set(user=province_user, province_id=SHANGHAI, year=2026, levels=CHAIN)


def submit(assessment, user):
    fill(assessment, user)
    return submit_services.assessment_submit(assessment=assessment, user=user)


# --- Setting a chain -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("levels", "message"),
    [
        (("street", "county"), "必须以省级住房和城乡建设部门结束"),
        (("county", "county", "province"), "只能出现一次"),
        (("county", "street", "province"), "自下而上"),
        (("township", "province"), "未知的审核层级"),
        (("city", "province"), "尚无该层级的有效审核账号"),  # Shanghai has districts, no cities
    ],
)
def test_a_bad_chain_is_refused_with_the_reason(province_user, street_user, city_user, levels, message):
    with pytest.raises(ServiceError) as refused:
        chain_services.review_chain_set(user=province_user, province_id=SHANGHAI, year=2026, levels=levels)
    assert message in str(refused.value.message)
    assert not ReviewChain.objects.exists()


def test_only_the_provinces_own_department_sets_its_chain(city_user, street_user, db):
    beijing = UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))
    for user in (city_user, street_user, beijing):
        with pytest.raises(ForbiddenError):
            chain_services.review_chain_set(user=user, province_id=SHANGHAI, year=2026, levels=CHAIN)


def test_the_chain_is_recorded_and_frozen_by_the_first_submission(
    shanghai_chain, province_user, community_user, assessment
):
    entry = TraceEvent.objects.get(kind=TraceKind.CHAIN)
    assert entry.actor == province_user and entry.province_id == SHANGHAI
    assert entry.data == {"year": 2026, "before": "", "after": "street,county,province"}
    # Before any submission it may change (and the change is recorded again).
    chain_services.review_chain_set(
        user=province_user, province_id=SHANGHAI, year=2026, levels=("county", "province")
    )
    chain_services.review_chain_set(user=province_user, province_id=SHANGHAI, year=2026, levels=CHAIN)
    assert TraceEvent.objects.filter(kind=TraceKind.CHAIN).count() == 3
    submit(assessment, community_user)
    with pytest.raises(ConflictError) as frozen:
        chain_services.review_chain_set(
            user=province_user, province_id=SHANGHAI, year=2026, levels=("county", "province")
        )
    assert "不能再更改" in str(frozen.value.message)
    assert ReviewChain.objects.get(province_id=SHANGHAI, year=2026).levels == "street,county,province"
    # Another year is still free.
    chain_services.review_chain_set(
        user=province_user, province_id=SHANGHAI, year=2027, levels=("county", "province")
    )


def test_without_a_chain_the_default_applies(city_user, province_user, community_user, assessment):
    assert selectors.chain_for(province_id=SHANGHAI, year=2026) == workflow.DEFAULT_CHAIN
    submitted = submit(assessment, community_user)
    assert (submitted.review_chain, submitted.review_level) == ("county,province", "county")
    # Once an assessment is in flight on the default chain, the year is fixed on it.
    assert selectors.chain_is_frozen(province_id=SHANGHAI, year=2026)


# --- Walking the chain ---------------------------------------------------------------------------


def test_an_assessment_walks_street_district_municipality_and_a_return_starts_over(
    shanghai_chain, street_user, city_user, province_user, community_user, assessment
):
    a = submit(assessment, community_user)
    assert (a.state, a.review_level, a.review_chain) == (State.SUBMITTED, "street", "street,county,province")
    assert Notice.objects.filter(recipient=street_user, assessment=a).count() == 1
    # Not yet the district's or the province's turn.
    for early in (city_user, province_user):
        assert not workflow.can_review(early, a)
        with pytest.raises(ConflictError):
            review_services.assessment_return(assessment=a, user=early, reason="x")
    a = review_services.assessment_recommend(assessment=a, user=street_user)
    assert (a.state, a.review_level) == (State.RECOMMENDED, "county")
    assert Notice.objects.filter(recipient=city_user, assessment=a).count() == 1
    with pytest.raises(ConflictError):
        review_services.assessment_recommend(assessment=a, user=street_user)
    a = review_services.assessment_return(
        assessment=a, user=city_user, reason="请补充垃圾分类照片。", comments={5: "照片不清晰"}
    )
    assert (a.state, a.review_level) == (State.RETURNED, "")
    assert a.responses.get(criterion__number=5).review_comment == "照片不清晰"
    # The community revises and resubmits: the chain starts again at the street.
    response = a.responses.get(criterion__number=5)
    services.response_save(
        response=response, user=community_user, rating="met", statement="补充了照片。", figure=100
    )
    a = submit_services.assessment_submit(assessment=a, user=community_user)
    assert (a.state, a.review_level, a.round) == (State.SUBMITTED, "street", 2)
    a = review_services.assessment_recommend(assessment=a, user=street_user)
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    assert (a.state, a.review_level) == (State.RECOMMENDED, "province")
    assert workflow.available_actions(province_user, a) == ["approve", "return"]
    a = review_services.assessment_approve(assessment=a, user=province_user)
    assert (a.state, a.review_level) == (State.APPROVED, "")
    levels = [e.data.get("level") for e in a.events.filter(action="recommended").order_by("at", "id")]
    assert levels == ["street", "street", "county"]


def test_a_street_office_never_approves_and_the_province_never_recommends(
    shanghai_chain, street_user, province_user, city_user, community_user, assessment
):
    a = submit(assessment, community_user)
    with pytest.raises(ForbiddenError):
        review_services.assessment_approve(assessment=a, user=street_user)
    a = review_services.assessment_recommend(assessment=a, user=street_user)
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    with pytest.raises(ForbiddenError):
        review_services.assessment_recommend(assessment=a, user=province_user)


def test_a_city_department_reviews_at_the_county_level_of_a_chain_without_cities(db):
    """Guangdong, default chain: the prefecture-level city (广州市) reviews beside its districts."""
    community = CommunityFactory(street=region("440106001"))
    committee = UserFactory(username="gz-committee", role=Role.COMMUNITY, community=community)
    guangzhou = UserFactory(username="gz-city", role=Role.CITY, region=region("4401"))
    tianhe = UserFactory(username="tianhe-dept", role=Role.CITY, region=region("440106"))
    a = AssessmentFactory(community=community, year=2026, user=committee, answered=False)
    a = submit(a, committee)
    assert a.review_level == "county"
    assert workflow.can_review(guangzhou, a) and workflow.can_review(tianhe, a)
    assert {u.username for u in selectors.level_reviewers(assessment=a, key="county")} == {
        "gz-city",
        "tianhe-dept",
    }


def test_with_a_city_level_the_city_reviews_after_the_county(db):
    province = UserFactory(username="gd-dept", role=Role.PROVINCE, region=region("44"))
    guangzhou = UserFactory(username="gz-city", role=Role.CITY, region=region("4401"))
    tianhe = UserFactory(username="tianhe-dept", role=Role.CITY, region=region("440106"))
    chain_services.review_chain_set(
        user=province, province_id="440000000000", year=2026, levels=("county", "city", "province")
    )
    community = CommunityFactory(street=region("440106001"))
    committee = UserFactory(username="gz-committee", role=Role.COMMUNITY, community=community)
    a = submit(AssessmentFactory(community=community, year=2026, user=committee, answered=False), committee)
    assert workflow.can_review(tianhe, a) and not workflow.can_review(guangzhou, a)
    a = review_services.assessment_recommend(assessment=a, user=tianhe)
    assert a.review_level == "city" and workflow.can_review(guangzhou, a)
    a = review_services.assessment_recommend(assessment=a, user=guangzhou)
    assert a.review_level == "province"


# --- Scope of every level ---------------------------------------------------------------------------


@pytest.fixture
def elsewhere(db):
    """Assessments waiting at each level, outside the Shanghai reviewers' scopes: another street
    of 徐汇区 (天平路 does not see it), another district (黄浦区) and another province (北京)."""
    made = {}
    for key, street in (("street", "310104004"), ("county", "310101002"), ("province", "110101001")):
        community = CommunityFactory(street=region(street))
        committee = UserFactory(username=f"committee-{street}", role=Role.COMMUNITY, community=community)
        made[key] = submit(
            AssessmentFactory(community=community, year=2026, user=committee, answered=False), committee
        )
    return made


def test_every_levels_reviewer_gets_404_outside_its_scope(
    client_for, shanghai_chain, street_user, city_user, province_user, elsewhere
):
    reviewers = {"street": street_user, "county": city_user, "province": province_user}
    for key, user in reviewers.items():
        a = elsewhere[key]
        client = client_for(user)
        urls = [
            ("get", reverse("review:detail", args=[a.pk]), {}),
            ("get", reverse("assessments:detail", args=[a.pk]), {}),
            ("post", reverse("review:criterion", args=[a.pk, 1]), {"c1-verdict": "confirmed"}),
            (
                "post",
                reverse("review:decide", args=[a.pk, "recommend"]),
                {**confirmed(a), "expected_version": a.version},
            ),
            (
                "post",
                reverse("review:decide", args=[a.pk, "return"]),
                {**confirmed(a), "expected_version": a.version, "reason": "x"},
            ),
        ]
        for method, url, data in urls:
            response = getattr(client, method)(url, data)
            assert response.status_code == 404, (key, method, url, response.status_code)
            assert a.community.name not in response.content.decode()
        assert not Assessment.objects.visible_to(user).filter(pk=a.pk).exists()
        assert a.pk not in {
            row.pk for row in selectors.review_queue(user=user, filters=selectors.QueueFilters())
        }


# --- Pages ---------------------------------------------------------------------------------------


def test_street_office_queue_home_panel_and_review_page(
    client_for, shanghai_chain, street_user, community_user, assessment
):
    a = submit(assessment, community_user)
    client = client_for(street_user)
    home = client.get(reverse("home")).content.decode()
    assert "街道审核" in home and "1 份自评等待您审核" in home
    queue = client.get(reverse("review:queue"))
    assert [r.pk for r in queue.context["page"]] == [a.pk]
    assert "待街道审核" in queue.content.decode()
    page = client.get(reverse("review:detail", args=[a.pk])).content.decode()
    assert "推荐至区县住房和城乡建设部门" in page
    assert "街道办事处 → 区县住房和城乡建设部门 → 省级住房和城乡建设部门" in page
    done = client.post(
        reverse("review:decide", args=[a.pk, "recommend"]), {**confirmed(a), "expected_version": a.version}
    )
    assert done.status_code == 302
    a.refresh_from_db()
    assert a.review_level == "county"


def test_chain_page_previews_saves_refuses_and_freezes(
    client_for, street_user, city_user, province_user, community_user, assessment, settings
):
    settings.CAMPAIGN_YEAR = 2026
    client = client_for(province_user)
    page = client.get(reverse("review:chain"), {"year": 2026})
    assert page.status_code == 200
    body = page.content.decode()
    assert "区县住房和城乡建设部门" in body and 'data-testid="chain-form"' in body
    bad = client.post(reverse("review:chain"), {"year": 2026, "levels": ["street", "county"]})
    assert bad.status_code == 400
    bad_body = bad.content.decode()
    assert "必须以省级住房和城乡建设部门结束" in bad_body
    assert 'value="street" checked' in bad_body  # what was ticked stays ticked
    saved = client.post(reverse("review:chain"), {"year": 2026, "levels": list(CHAIN)}, follow=True)
    assert "审核链已保存" in saved.content.decode()
    preview = {row.key: row.count for row in saved.context["preview"]}
    assert preview == {"street": 1, "county": 1, "province": 1}
    submit(assessment, community_user)
    frozen = client.get(reverse("review:chain"), {"year": 2026}).content.decode()
    assert 'data-testid="chain-frozen"' in frozen and 'data-testid="chain-form"' not in frozen
    refused = client.post(reverse("review:chain"), {"year": 2026, "levels": ["county", "province"]})
    assert refused.status_code == 409
    for user in (city_user, street_user, community_user):
        assert client_for(user).get(reverse("review:chain")).status_code == 403


def test_the_shanghai_report_counts_waiting_per_level_of_its_chain(
    client_for, shanghai_chain, street_user, city_user, province_user, community_user, assessment, settings
):
    from apps.reports import services as reports

    settings.CAMPAIGN_YEAR = 2026
    at_street = submit(assessment, community_user)
    other = CommunityFactory(street=region("310104003"))
    committee = UserFactory(username="committee-2", role=Role.COMMUNITY, community=other)
    second = submit(AssessmentFactory(community=other, year=2026, user=committee, answered=False), committee)
    review_services.assessment_recommend(assessment=second, user=street_user)
    report = reports.annual_report_compile(province_code=SHANGHAI, year=2026)
    totals = report.figures["totals"]
    direct = {
        key: Assessment.objects.filter(province_id=SHANGHAI, year=2026, review_level=key).count()
        for key in CHAIN
    }
    assert direct == {"street": 1, "county": 1, "province": 0}
    assert {key: totals["waiting"][key] for key in CHAIN} == direct
    assert report.figures["chain"] == list(CHAIN)
    body = client_for(province_user).get(reverse("reports:detail", args=[report.pk])).content.decode()
    for key, label in (("street", "待街道审核"), ("county", "待区县审核"), ("province", "待省级审核")):
        assert f'data-testid="waiting-{key}"' in body and label in body
    assert 'data-testid="waiting-city"' not in body  # Shanghai's chain has no city level
    assert at_street.review_level == "street"
