"""Residents' voice in a real browser (issue 26): a resident scans the poster (its QR decodes to the
page; the phone opens it at 390 px), reads the community's page, answers the survey, and a second
answer from the same phone does not count; the provincial reviewer sees the result and the gate on
the review page, and the last level's decision is refused while the gate is not met."""

import pytest
from playwright.sync_api import expect

from apps.assessments.models import Assessment, State
from apps.residents import posters, services
from apps.residents.models import Answer
from apps.review import services as review_services
from tests.browser.conftest import BROWSER_DB, decide, login, screenshot
from tests.factories import AssessmentFactory, UserFactory
from tests.residents.test_posters import decode_pages

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_scan_read_answer_once_and_the_reviewer_sees_the_gate(
    browser_page, phone_page, live_server, demo_accounts, tmp_path
):
    province, committee = demo_accounts["province"], demo_accounts["community"]
    services.survey_set(
        user=province,
        province_id="310000000000",
        year=2026,
        questions=["您对社区环境是否满意？", "您对垃圾分类是否满意？", "您对社区绿化是否满意？"],
        sms_required=False,
        gate_share_percent=80,
        gate_min_answers=3,
    )
    assessment = AssessmentFactory(
        community=committee.community, year=2026, user=committee, state=State.SUBMITTED
    )
    city = UserFactory(username="xuhui-city-residents", role="city", region=demo_accounts["city"].region)
    recommended = review_services.assessment_recommend(assessment=assessment, user=city)

    # The poster's QR code leads to the community's page.
    pdf = posters.render_one(committee.community, base_url=live_server.url)
    (url,) = decode_pages(pdf, tmp_path)
    assert url == f"{live_server.url}/r/{committee.community.code}/"

    page = phone_page
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("上海新村居委会")
    expect(page.get_by_test_id("resident-status")).to_contain_text("审核中")
    expect(page.get_by_test_id("claims").locator("li")).to_have_count(16)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "residents", "page-390", full_page=True)

    page.get_by_test_id("survey-link").click()
    for question in page.get_by_test_id("question").all():
        question.get_by_text("5", exact=True).click()
    page.get_by_label("其他意见和建议（选填）").fill("垃圾分类做得好，联系我 13812345678")
    screenshot(page, "residents", "survey-390", full_page=True)
    page.get_by_test_id("survey-submit").click()
    expect(page.get_by_test_id("survey-done")).to_be_visible()

    # The same phone again: the survey says it already counted, and nothing more is stored.
    page.goto(url)
    page.get_by_test_id("survey-link").click()
    expect(page.get_by_test_id("survey-already")).to_contain_text("只计第一次")
    assert Answer.objects.filter(community=committee.community).count() == 1

    # The province's reviewer: one answer, 100 % satisfied, the gate (3 answers) not met.
    review = browser_page
    login(review, live_server, province.username)
    review.goto(f"{live_server.url}/review/{recommended.pk}/")
    line = review.get_by_test_id("resident-line")
    expect(line).to_contain_text("1 份答卷")
    expect(line.get_by_test_id("review-satisfied")).to_have_text("100.0 %")
    expect(line.get_by_test_id("resident-gate")).to_have_attribute("data-met", "no")
    screenshot(review, "residents", "review-gate")
    decide(review, "approve", "认定达标")
    expect(review.get_by_test_id("decision-error")).to_contain_text("居民满意度未达到本省")
    assert Assessment.objects.get(pk=recommended.pk).state == "recommended"

    # Two more residents: the gate is met and the decision goes through.
    survey = services.survey_effective(province_id="310000000000", year=2026)
    for device in ("d2", "d3"):
        services.answer_submit(
            survey=survey, community=committee.community, device_hash=device, ratings=[4, 5, 4], comment=""
        )
    review.goto(f"{live_server.url}/review/{recommended.pk}/")
    expect(review.get_by_test_id("resident-gate")).to_have_attribute("data-met", "yes")
    decide(review, "approve", "认定达标")
    assert Assessment.objects.get(pk=recommended.pk).state == "approved"
