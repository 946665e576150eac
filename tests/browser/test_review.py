"""The two-level review in a real browser (Debian chromium through Playwright).

One assessment goes submit -> return -> resubmit -> recommend -> approve -> revoke, then the
province approves two recommended assessments in bulk. The community's own part goes through the
services (its pages are another area's). Screenshots land in artifacts/screenshots/review/ (docs/ with UPDATE_SCREENSHOTS=1).
Fixtures are local to this file and end in _review, so they never clash with tests/browser/conftest.py.
"""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.assessments import services
from apps.assessments.models import Assessment, State
from apps.review import services as review_services
from apps.review import submit_services
from tests.assessments.conftest import PDF_BYTES
from tests.browser.conftest import SCREENSHOTS, decide, login
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region
from tests.review.conftest import TRANSACTIONAL_APPS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHOTS = SCREENSHOTS / "review"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)]


@pytest.fixture
def browser_review(chromium):
    # One Playwright per test session (tests/browser/conftest.py): two sync instances cannot coexist.
    return chromium


@pytest.fixture
def page_review(browser_review, live_server):
    context = browser_review.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    yield page
    context.close()


@pytest.fixture
def accounts_review(demo_accounts):
    """Users like the demo accounts (tests/browser/conftest.py)."""
    return demo_accounts


def shot_review(page, name, *, full_page=False):
    """Save a screenshot, reduced to a 256-colour palette so the committed files stay small."""
    from PIL import Image

    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    with Image.open(path) as image:
        image.convert("RGB").quantize(colors=256).save(path, optimize=True)


def open_in_queue_review(page, name, state):
    page.goto(f"{page.base_url}/review/?state={state}&year=2026")
    page.get_by_role("link", name=name).click()
    page.wait_for_selector("[data-testid=decisions]")


def test_one_assessment_through_both_review_levels(page_review, accounts_review):
    page = page_review
    community, city, province = (accounts_review[k] for k in ("community", "city", "province"))
    assessment = AssessmentFactory(
        community=community.community, year=2026, user=community, state=State.SUBMITTED
    )
    name = community.community.name

    # First level: not confirmed on criterion 12, then return with a reason.
    login(page, page.base_url, city.username)
    expect(page.locator("[data-testid=review-panel]")).to_contain_text(
        "1 份自评等待您审核", use_inner_text=True
    )
    page.click("[data-testid=work-waiting]")
    expect(page.locator("[data-testid=queue]")).to_contain_text(name, use_inner_text=True)
    shot_review(page, "01-city-queue")
    page.get_by_role("link", name=name).click()
    verdict = page.locator("[data-testid=verdict-12]")
    verdict.get_by_label("不认可").check()
    verdict.locator("textarea").fill("物业服务覆盖率缺少证明材料,请补充物业合同。")
    # The review form saves itself (issue 14): the verdict and comment go with the return.
    returning = page.locator("[data-testid=decide-return]")
    returning.locator("textarea").fill("佐证材料不完整,请按意见补充后重新提交。")
    shot_review(page, "02-city-return-form")
    decide(page, "return", "退回")
    expect(page.locator(".messages")).to_contain_text("已退回社区修改", use_inner_text=True)
    expect(page.locator("[data-testid=state]")).to_have_text("退回修改", use_inner_text=True)

    # The community revises criterion 12 and resubmits (its pages belong to another area).
    assessment.refresh_from_db()
    r12 = assessment.responses.get(criterion__number=12)
    services.response_save(
        response=r12, user=community, rating="met", statement="已补充物业合同。", figure=60
    )
    services.evidence_add(
        response=r12, user=community, uploaded_file=SimpleUploadedFile("contract.pdf", PDF_BYTES)
    )
    submit_services.assessment_submit(assessment=assessment, user=community)

    page.reload()
    # The state tells where in the (default) chain it waits.
    expect(page.locator("[data-testid=state]")).to_have_text("待市县审核", use_inner_text=True)
    decide(page, "recommend", "推荐")
    expect(page.locator("[data-testid=state]")).to_have_text("待省级审核", use_inner_text=True)
    shot_review(page, "03-city-recommended")

    # Final level: approve, designate, then revoke after a failed re-check.
    login(page, page.base_url, province.username)
    expect(page.locator("[data-testid=nav-notices]")).to_contain_text("1", use_inner_text=True)
    open_in_queue_review(page, name, "recommended")
    expect(page.get_by_test_id("figures")).to_contain_text("100", use_inner_text=True)
    assert set(page.locator("[data-testid=figures]").inner_text().split()) >= {"60", "100"}
    decide(page, "approve", "认定达标")
    expect(page.locator("[data-testid=state]")).to_have_text("已通过（达到创建要求）", use_inner_text=True)
    designate = page.locator("[data-testid=decide-designate]")
    designate.locator("textarea").fill("垃圾分类全覆盖,居民议事机制健全。")
    decide(page, "designate", "命名")
    expect(page.locator(".messages")).to_contain_text("已命名为示范社区", use_inner_text=True)
    shot_review(page, "04-province-approved")
    page.goto(page.base_url + "/public/31/2026/")
    expect(page.locator("[data-testid=demonstrations]")).to_contain_text(name, use_inner_text=True)
    shot_review(page, "05-public-page")
    open_in_queue_review(page, name, "approved")
    revoke = page.locator("[data-testid=decide-revoke]")
    revoke.locator("textarea").fill("复查发现垃圾分类设施撤除,不再符合创建要求。")
    decide(page, "revoke", "撤销认定")
    expect(page.locator("[data-testid=state]")).to_have_text("已摘牌", use_inner_text=True)
    history = page.locator("[data-testid=history]")
    for step in ("已提交", "退回修改", "已推荐", "已通过（达到创建要求）", "命名为示范社区", "复查发现"):
        expect(history).to_contain_text(step, use_inner_text=True)
    page.locator("[data-testid=history]").scroll_into_view_if_needed()
    shot_review(page, "06-province-revoked-history")
    assert Assessment.objects.get(pk=assessment.pk).state == State.REVOKED

    # The community is told: returned, approved and revoked.
    login(page, page.base_url, community.username)
    page.goto(page.base_url + "/notices/")
    notices = page.locator("[data-testid=notices]")
    for outcome in ("退回修改", "已通过", "撤销"):
        expect(notices).to_contain_text(outcome, use_inner_text=True)
    shot_review(page, "07-community-notices")


def test_bulk_approval_with_one_confirmation_page(page_review, accounts_review):
    page = page_review
    community, city, province = (accounts_review[k] for k in ("community", "city", "province"))
    names = []
    for i, code in enumerate(["310104003002", "310104003003", "310104004001"]):
        c = CommunityFactory(street=region(code[:9]), code=code, name=f"批量示例{i + 1}居委会")
        user = UserFactory(username=f"c-{code}", role=Role.COMMUNITY, community=c)
        a = AssessmentFactory(community=c, year=2026, user=user, state=State.SUBMITTED)
        review_services.assessment_recommend(assessment=a, user=city)
        names.append(c.name)

    login(page, page.base_url, province.username)
    page.goto(page.base_url + "/review/?state=recommended&year=2026")
    for n in names[:2]:
        page.get_by_label(f"选择{n}").check()
    shot_review(page, "08-province-bulk-select")
    page.click("[data-testid=bulk-approve]")
    listed = page.locator("[data-testid=bulk-list]")
    expect(listed).to_contain_text(names[0], use_inner_text=True)
    expect(listed).to_contain_text(names[1], use_inner_text=True)
    expect(listed).not_to_contain_text(names[2], use_inner_text=True)
    shot_review(page, "09-province-bulk-confirm")
    page.click("[data-testid=bulk-confirm]")
    expect(page.locator(".messages")).to_contain_text("已认定 2 份自评", use_inner_text=True)
    shot_review(page, "10-province-bulk-done")
    states = dict(
        Assessment.objects.filter(community__name__in=names).values_list("community__name", "state")
    )
    assert states == {names[0]: "approved", names[1]: "approved", names[2]: "recommended"}
