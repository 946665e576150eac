from django.urls import reverse

from apps.assessments import services
from apps.assessments.models import AssessmentEvent, State
from apps.notices.models import Notice
from apps.review import submit_services
from apps.review.models import Demonstration
from tests.review.conftest import confirmed


def detail(a):
    return reverse("review:detail", args=[a.pk])


def decide(a, action):
    return reverse("review:decide", args=[a.pk, action])


def verdict_url(a, number):
    return reverse("review:criterion", args=[a.pk, number])


def test_review_page_shows_answers_evidence_figures_and_history(
    client_for, city_user, assessment, community_user, png_upload, settings
):
    from .conftest import fill

    settings.CAMPAIGN_YEAR = 2026
    fill(assessment, community_user)
    photo = services.evidence_add(
        response=assessment.responses.get(criterion__number=5),
        user=community_user,
        uploaded_file=png_upload(),
        caption="分类投放点",
    )
    submit_services.assessment_submit(assessment=assessment, user=community_user)
    response = client_for(city_user).get(detail(assessment))
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("assessments:evidence-thumbnail", args=[photo.pk]) in body
    assert reverse("assessments:evidence", args=[photo.pk]) + "?inline=1" in body
    assert "分类投放点" in body and "已完成整治" in body
    figures = {r.criterion.number: r.figure for r in response.context["figures"]}
    assert figures == {5: 100, 12: 45}
    assert "生活垃圾分类居民小区覆盖率" in body and "物业管理覆盖率" in body
    assert [e.action for e in response.context["events"]] == ["created", "submitted"]
    assert "操作记录" in body and "已提交" in body
    assert set(response.context["decision_forms"]) == {"recommend", "return"}
    assert 'name="expected_version"' in body


def test_review_page_query_count_does_not_grow_with_evidence(
    client_for, city_user, submitted, django_assert_max_num_queries
):
    client = client_for(city_user)
    # 20 before the site checks, residents' gate and departments' opinions each read their line.
    with django_assert_max_num_queries(21):
        assert client.get(detail(submitted)).status_code == 200


def test_verdict_per_criterion(client_for, city_user, submitted):
    client = client_for(city_user)
    missing = client.post(verdict_url(submitted, 12), {"c12-verdict": "not_confirmed", "c12-comment": ""})
    assert missing.status_code == 400
    assert "请说明不认可该条的理由" in missing.content.decode()
    ok = client.post(
        verdict_url(submitted, 12), {"c12-verdict": "not_confirmed", "c12-comment": "缺物业合同"}
    )
    assert ok.status_code == 302 and ok["Location"].endswith("#c12")
    r12 = submitted.responses.get(criterion__number=12)
    assert r12.verdict == "not_confirmed" and r12.review_comment == "缺物业合同"
    client.post(verdict_url(submitted, 1), {"c1-verdict": "confirmed"})
    assert submitted.responses.get(criterion__number=1).verdict == "confirmed"


def test_city_returns_with_reason_and_comments(client_for, city_user, submitted, community_user):
    client = client_for(city_user)
    client.post(verdict_url(submitted, 12), {"c12-verdict": "not_confirmed", "c12-comment": "缺物业合同"})
    submitted.refresh_from_db()
    no_reason = client.post(
        decide(submitted, "return"),
        {**confirmed(submitted), "expected_version": submitted.version, "reason": ""},
    )
    assert no_reason.status_code == 400
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    response = client.post(
        decide(submitted, "return"),
        {**confirmed(submitted), "expected_version": submitted.version, "reason": "材料不全"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED and submitted.return_reason == "材料不全"
    event = AssessmentEvent.objects.filter(assessment=submitted, action="returned").get()
    assert event.data["comments"] == {"12": "缺物业合同"} and event.actor_role == "city"
    assert Notice.objects.filter(recipient=community_user, text__contains="材料不全").exists()
    page = client.get(detail(submitted)).content.decode()
    assert "退回修改" in page and "缺物业合同" in page


def test_full_walk_through_the_pages(client_for, city_user, province_user, submitted, community_user):
    city = client_for(city_user)
    assert (
        city.post(
            decide(submitted, "recommend"), {**confirmed(submitted), "expected_version": submitted.version}
        ).status_code
        == 302
    )
    submitted.refresh_from_db()
    assert submitted.state == State.RECOMMENDED
    province = client_for(province_user)
    page = province.get(detail(submitted))
    assert set(page.context["decision_forms"]) == {"approve", "return"}
    assert (
        province.post(
            decide(submitted, "approve"), {**confirmed(submitted), "expected_version": submitted.version}
        ).status_code
        == 302
    )
    submitted.refresh_from_db()
    assert submitted.state == State.APPROVED
    designated = province.post(
        decide(submitted, "designate"),
        {**confirmed(submitted), "expected_version": submitted.version, "citation": "垃圾分类成效显著"},
    )
    assert designated.status_code == 302
    assert Demonstration.objects.get(assessment=submitted).citation == "垃圾分类成效显著"
    again = province.get(detail(submitted))
    assert again.context["decision_forms"]["designate"].initial["citation"] == "垃圾分类成效显著"
    no_reason = province.post(
        decide(submitted, "revoke"),
        {**confirmed(submitted), "expected_version": submitted.version, "reason": " "},
    )
    assert no_reason.status_code == 400
    revoked = province.post(
        decide(submitted, "revoke"),
        {**confirmed(submitted), "expected_version": submitted.version, "reason": "复查不合格"},
    )
    assert revoked.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.REVOKED and submitted.revoke_reason == "复查不合格"
    body = province.get(detail(submitted)).content.decode()
    assert "复查不合格" in body and "已撤销认定" in body
    actions = [
        e.action
        for e in AssessmentEvent.objects.filter(assessment=submitted).order_by("at", "id")
        if e.action not in ("evidence_added", "evidence_removed", "reviewed")
    ]
    assert actions == ["created", "submitted", "recommended", "approved", "designated", "revoked"]
    # The city's 16 verdicts came with its recommendation; the province kept them unchanged.
    assert AssessmentEvent.objects.filter(assessment=submitted, action="reviewed").count() == 16


def test_province_returns_a_recommended_assessment(client_for, province_user, recommended):
    province = client_for(province_user)
    response = province.post(
        decide(recommended, "return"),
        {**confirmed(recommended), "expected_version": recommended.version, "reason": "照片模糊"},
    )
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.state == State.RETURNED


def test_second_decision_on_a_stale_page_is_refused_and_changes_nothing(client_for, city_user, submitted, db):
    from tests.factories import UserFactory, region

    colleague = UserFactory(username="xuhui-2", role="city", region=region("310104"))
    seen = submitted.version
    first = client_for(city_user).post(
        decide(submitted, "recommend"), {**confirmed(submitted), "expected_version": seen}
    )
    assert first.status_code == 302
    second = client_for(colleague).post(
        decide(submitted, "return"), {**confirmed(submitted), "expected_version": seen, "reason": "不同意"}
    )
    assert second.status_code == 409
    body = second.content.decode()
    assert "已有其他人先行处理" in body and 'data-testid="decision-error"' in body
    submitted.refresh_from_db()
    assert submitted.state == State.RECOMMENDED


def test_stale_version_is_refused_as_a_form_error(client_for, province_user, recommended):
    response = client_for(province_user).post(
        decide(recommended, "approve"),
        {**confirmed(recommended), "expected_version": recommended.version - 1},
    )
    assert response.status_code == 409
    assert "请刷新页面" in response.content.decode()
    recommended.refresh_from_db()
    assert recommended.state == State.RECOMMENDED


def test_wrong_role_and_wrong_state_refusals(client_for, city_user, province_user, submitted):
    province = client_for(province_user)
    early = province.post(
        decide(submitted, "approve"), {**confirmed(submitted), "expected_version": submitted.version}
    )
    assert early.status_code == 409
    assert "已有其他人先行处理" in early.content.decode() or "已提交" in early.content.decode()
    city = client_for(city_user)
    not_mine = city.post(
        decide(submitted, "revoke"),
        {**confirmed(submitted), "expected_version": submitted.version, "reason": "x"},
    )
    assert not_mine.status_code == 403
    assert "无权" in not_mine.content.decode()
    province = client_for(province_user)  # one test client: log the province back in
    late_verdict = province.post(verdict_url(submitted, 1), {"c1-verdict": "confirmed"}, follow=True)
    assert "不在您的待审核范围内" in late_verdict.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert not submitted.responses.exclude(verdict="").exists()
    assert (
        city.post(decide(submitted, "explode"), {**confirmed(submitted), "expected_version": 1}).status_code
        == 404
    )


def test_review_urls_scope_for_every_role(
    client_for, client, submitted, community_user, beijing_province_user, huangpu_city_user, ministry_user
):
    urls_post = [
        (verdict_url(submitted, 1), {"c1-verdict": "confirmed"}),
        *[
            (
                decide(submitted, a),
                {
                    **confirmed(submitted),
                    "expected_version": submitted.version,
                    "reason": "x",
                    "citation": "x",
                },
            )
            for a in ("recommend", "return", "approve", "revoke", "designate")
        ],
    ]
    for outsider in (beijing_province_user, huangpu_city_user):
        c = client_for(outsider)
        assert c.get(detail(submitted)).status_code == 404
        for url, data in urls_post:
            assert c.post(url, data).status_code == 404, url
        assert c.post(reverse("review:bulk-approve"), {"ids": [submitted.pk]}).status_code in (403, 404)
    c = client_for(community_user)
    assert c.get(detail(submitted)).status_code == 403
    for url, data in urls_post:
        assert c.post(url, data).status_code == 403
    assert c.post(reverse("review:bulk-approve"), {"ids": [submitted.pk]}).status_code == 403
    watcher = client_for(ministry_user)
    page = watcher.get(detail(submitted))
    assert page.status_code == 200 and page.context["decision_forms"] == {}
    assert (
        watcher.post(
            decide(submitted, "recommend"), {**confirmed(submitted), "expected_version": submitted.version}
        ).status_code
        == 403
    )
    client.logout()
    assert client.get(detail(submitted)).status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    assert client.get(reverse("review:detail", args=[999999])).status_code == 302
    assert client_for(ministry_user).get(reverse("review:detail", args=[999999])).status_code == 404


def test_review_page_queries_do_not_grow_with_files(
    client_for, city_user, assessment, community_user, png_upload
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(city_user)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(detail(assessment)).status_code == 200
        return len(ctx.captured_queries)

    services.evidence_add(
        response=assessment.responses.get(criterion__number=1),
        user=community_user,
        uploaded_file=png_upload(),
    )
    one = count()
    for number in (1, 2, 3, 5):
        for _ in range(2):
            services.evidence_add(
                response=assessment.responses.get(criterion__number=number),
                user=community_user,
                uploaded_file=png_upload(),
            )
    assert count() == one
