"""Review chains in a real browser: Shanghai sets street office → district → municipality and one
assessment walks it, returned once by the district and resubmitted; a province on the national
default chain (county/city → province) walks its two levels; Shanghai's report counts what waits at
each level of its chain. The community's part goes through the services (its pages are another
test's). Screenshots under artifacts/screenshots/chains/ (desktop and 390 px)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Assessment, State
from apps.reports import services as reports
from apps.review import services as review_services
from apps.review import submit_services
from tests.assessments.conftest import PDF_BYTES
from tests.browser.conftest import BROWSER_DB, PHONE, decide, login, screenshot
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def shanghai(demo_accounts):
    return demo_accounts


def submitted_by(committee):
    return AssessmentFactory(community=committee.community, year=2026, user=committee, state=State.SUBMITTED)


def open_review(page, live_server, assessment):
    page.goto(f"{live_server.url}/review/?state=waiting&year=2026")
    page.get_by_role("link", name=assessment.community.name).click()
    page.wait_for_selector("[data-testid=decisions]")


def test_shanghai_walks_street_district_municipality(browser_page, chromium, live_server, shanghai):
    page = browser_page
    # The province sets its chain for 2026 and sees who reviews at each level.
    login(page, live_server, "demo-province")
    page.click("[data-testid=nav-chain]")
    form = page.locator("[data-testid=chain-form]")
    form.locator("input[value=street]").check()
    form.locator("input[value=county]").check()
    form.locator("input[value=province]").check()
    page.click("[data-testid=chain-save]")
    expect(page.locator(".messages")).to_contain_text("审核链已保存", use_inner_text=True)
    expect(page.get_by_test_id("chain-current")).to_contain_text(
        "街道办事处 → 区县住房和城乡建设部门 → 省级住房和城乡建设部门", use_inner_text=True
    )
    expect(page.locator("[data-testid=preview-street]")).to_contain_text(
        "徐汇区天平路街道办事处", use_inner_text=True
    )
    screenshot(page, "chains", "01-province-chain-page", full_page=True)

    committee = shanghai["community"]
    assessment = submitted_by(committee)

    # Street office: its queue and home panel, then recommend to the district.
    login(page, live_server, "demo-street")
    expect(page.locator("[data-testid=review-panel]")).to_contain_text(
        "1 份自评等待您审核", use_inner_text=True
    )
    screenshot(page, "chains", "02-street-home")
    open_review(page, live_server, assessment)
    expect(page.locator("[data-testid=state]")).to_have_text("待街道审核", use_inner_text=True)
    screenshot(page, "chains", "03-street-review-page")
    decide(page, "recommend", "推荐")
    expect(page.locator("[data-testid=state]")).to_have_text("待区县审核", use_inner_text=True)

    # District: return to the community with a reason.
    login(page, live_server, "demo-city")
    open_review(page, live_server, assessment)
    returning = page.locator("[data-testid=decide-return]")
    returning.locator("textarea").fill("垃圾分类照片不清晰，请补充后重新提交。")
    decide(page, "return", "退回")
    expect(page.locator("[data-testid=state]")).to_have_text("退回修改", use_inner_text=True)

    # The community revises and resubmits: back to the street office first.
    r5 = Assessment.objects.get(pk=assessment.pk).responses.get(criterion__number=5)
    services.response_save(
        response=r5, user=committee, rating="met", statement="补充了清晰照片。", figure=100
    )
    services.evidence_add(response=r5, user=committee, uploaded_file=SimpleUploadedFile("p.pdf", PDF_BYTES))
    assessment = submit_services.assessment_submit(
        assessment=Assessment.objects.get(pk=assessment.pk), user=committee
    )
    assert assessment.review_level == "street"

    login(page, live_server, "demo-street")
    open_review(page, live_server, assessment)
    decide(page, "recommend", "推荐")
    login(page, live_server, "demo-city")
    open_review(page, live_server, assessment)
    decide(page, "recommend", "推荐")
    expect(page.locator("[data-testid=state]")).to_have_text("待省级审核", use_inner_text=True)

    # Municipality: approve.
    login(page, live_server, "demo-province")
    open_review(page, live_server, assessment)
    decide(page, "approve", "认定达标")
    expect(page.locator("[data-testid=state]")).to_have_text("已通过（达到创建要求）", use_inner_text=True)
    history = page.locator("[data-testid=history]")
    expect(history).to_contain_text("已推荐至区县住房和城乡建设部门", use_inner_text=True)
    expect(history).to_contain_text("已推荐至省级住房和城乡建设部门", use_inner_text=True)
    screenshot(page, "chains", "04-province-approved-history", full_page=True)
    assert Assessment.objects.get(pk=assessment.pk).state == State.APPROVED

    # Shanghai's report: one column per level of its chain.
    others = []
    for code in ("310104003002", "310104003003"):
        c = CommunityFactory(street=region("310104003"), code=code, name=f"天平{code[-1]}居委会")
        others.append(submitted_by(UserFactory(username=f"c-{code}", role=Role.COMMUNITY, community=c)))
    review_services.assessment_recommend(assessment=others[1], user=shanghai["street"])
    report = reports.annual_report_compile(province_code="310000000000", year=2026)
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    expect(page.get_by_test_id("waiting-street")).to_contain_text("1", use_inner_text=True)
    expect(page.get_by_test_id("waiting-street")).to_contain_text("待街道审核", use_inner_text=True)
    expect(page.locator("[data-testid=waiting-county]")).to_contain_text("1", use_inner_text=True)
    expect(page.locator("[data-testid=waiting-province]")).to_contain_text("0", use_inner_text=True)
    expect(page.locator("[data-testid=waiting-city]")).to_have_count(0)
    screenshot(page, "chains", "05-shanghai-report-waiting-per-level", full_page=True)

    # The chain page at 390 px.
    phone = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    small = phone.new_page()
    login(small, live_server, "demo-province")
    small.goto(f"{live_server.url}/review/chain/?year=2026")
    expect(small.locator("[data-testid=chain-frozen]")).to_be_visible()
    screenshot(small, "chains", "06-province-chain-frozen-390", full_page=True)
    phone.close()


def test_a_default_chain_province_walks_county_then_province(browser_page, live_server, settings):
    settings.CAMPAIGN_YEAR = 2026
    page = browser_page
    community = CommunityFactory(street=region("440106001"), code="440106001001", name="天河示例居委会")
    committee = UserFactory(username="gz-committee", role=Role.COMMUNITY, community=community)
    UserFactory(
        username="tianhe-dept", role=Role.CITY, region=region("440106"), display_name="天河区住房和建设局"
    )
    UserFactory(
        username="gd-dept", role=Role.PROVINCE, region=region("44"), display_name="广东省住房和城乡建设厅"
    )
    assessment = submitted_by(committee)
    assert assessment.review_chain == "county,province"

    login(page, live_server, "tianhe-dept")
    expect(page.locator("[data-testid=review-panel]")).to_contain_text(
        "1 份自评等待您审核", use_inner_text=True
    )
    open_review(page, live_server, assessment)
    expect(page.locator("[data-testid=state]")).to_have_text("待市县审核", use_inner_text=True)
    decide(page, "recommend", "推荐")
    expect(page.locator("[data-testid=state]")).to_have_text("待省级审核", use_inner_text=True)
    screenshot(page, "chains", "07-default-chain-recommended")

    login(page, live_server, "gd-dept")
    open_review(page, live_server, assessment)
    decide(page, "approve", "认定达标")
    expect(page.locator("[data-testid=state]")).to_have_text("已通过（达到创建要求）", use_inner_text=True)
    assert Assessment.objects.get(pk=assessment.pk).state == State.APPROVED
