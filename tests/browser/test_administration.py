"""Administration in a real browser (issue 20, item 9): bulk account creation picks its region with
the cascading pickers; bulk approval has select-all and offers only what the province can approve
now; deactivating an account asks first and says what will happen; a file over the limit is refused
when it is chosen, before anything is uploaded. Screenshots under artifacts/screenshots/admin/."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role, User
from apps.assessments.models import Assessment, Evidence, State
from apps.review import chain_services
from apps.review import services as review_services
from tests.assessments.conftest import PDF_BYTES
from tests.browser.conftest import BROWSER_DB, login, screenshot
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region

pytestmark = [pytest.mark.browser, BROWSER_DB]

AREA = "admin"


def test_bulk_creation_picks_its_region_with_the_cascading_pickers(browser_page, live_server, demo_accounts):
    for n in (2, 3):
        CommunityFactory(street=region("310104003"), code=f"310104003{n:03d}", name=f"天平{n}居委会")
    CommunityFactory(street=region("310104004"), code="310104004001", name="湖南一居委会")
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/accounts/bulk/")
    filters = page.get_by_test_id("bulk-filters")
    # Shanghai's first picker lists its districts; choosing one fills the streets' picker.
    filters.locator("select[name=county]").select_option("310104000000")
    streets = filters.locator("select[name=street] option")
    expect(streets.filter(has_text="天平路街道")).to_have_count(1)
    filters.locator("select[name=street]").select_option(label="天平路街道")
    page.get_by_test_id("preview").click()
    preview = page.get_by_test_id("bulk-preview")
    # 天平路街道 has three communities; demo-community's already has an account.
    expect(preview).to_contain_text("天平路街道", use_inner_text=True)
    expect(preview.locator("h2")).to_contain_text("2", use_inner_text=True)
    expect(page.get_by_test_id("skipped")).to_contain_text("已有账户", use_inner_text=True)
    screenshot(page, AREA, "bulk-cascade-1280")
    page.get_by_test_id("confirm").click()
    expect(page.get_by_test_id("first-steps")).to_contain_text("/accounts/login/", use_inner_text=True)
    assert set(User.objects.filter(username__startswith="c31010400").values_list("username", flat=True)) == {
        "c310104003002",
        "c310104003003",
    }


def _walk(committee, street, city, *, to_province: bool) -> Assessment:
    assessment = AssessmentFactory(
        community=committee.community, year=2026, user=committee, state=State.SUBMITTED
    )
    assessment = review_services.assessment_recommend(assessment=assessment, user=street)
    if to_province:
        assessment = review_services.assessment_recommend(assessment=assessment, user=city)
    return assessment


def test_bulk_approval_selects_all_that_can_be_approved_now(browser_page, live_server, demo_accounts):
    street, city, province = (demo_accounts[k] for k in ("street", "city", "province"))
    chain_services.review_chain_set(
        user=province, province_id="310000000000", year=2026, levels=("street", "county", "province")
    )
    walked = {}
    for n, to_province in ((2, True), (3, True), (4, False)):
        community = CommunityFactory(
            street=region("310104003"), code=f"310104003{n:03d}", name=f"批量{n}居委会"
        )
        committee = UserFactory(username=f"c-{n}", role=Role.COMMUNITY, community=community)
        walked[community.name] = _walk(committee, street, city, to_province=to_province)
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/review/?state=recommended&year=2026")
    queue = page.get_by_test_id("queue")
    expect(queue.locator("tbody tr")).to_have_count(3)
    # The one still waiting at the district offers no checkbox.
    expect(queue.locator("input[name=ids]")).to_have_count(2)
    expect(page.get_by_label("选择批量4居委会")).to_have_count(0)
    page.get_by_test_id("select-all").check()
    expect(page.get_by_label("选择批量2居委会")).to_be_checked()
    expect(page.get_by_label("选择批量3居委会")).to_be_checked()
    page.get_by_label("选择批量3居委会").uncheck()
    expect(page.get_by_test_id("select-all")).not_to_be_checked()
    page.get_by_label("选择批量3居委会").check()
    expect(page.get_by_test_id("select-all")).to_be_checked()
    screenshot(page, AREA, "bulk-approve-select-all-1280")
    page.get_by_test_id("bulk-approve").click()
    listed = page.get_by_test_id("bulk-list")
    expect(listed).to_contain_text("批量2居委会", use_inner_text=True)
    expect(listed).to_contain_text("批量3居委会", use_inner_text=True)
    expect(listed).not_to_contain_text("批量4居委会", use_inner_text=True)
    page.get_by_test_id("bulk-confirm").click()
    expect(page.locator(".messages")).to_contain_text("已认定 2 份自评", use_inner_text=True)
    states = {a.community.name: a.state for a in Assessment.objects.select_related("community")}
    assert states == {"批量2居委会": "approved", "批量3居委会": "approved", "批量4居委会": "recommended"}


def test_deactivating_an_account_asks_first_and_says_what_happens(browser_page, live_server, demo_accounts):
    committee = demo_accounts["community"]
    page = browser_page
    login(page, live_server, "demo-city")
    page.goto(f"{live_server.url}/accounts/manage/{committee.pk}/")
    page.get_by_test_id("deactivate").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("停用账户 demo-community？", use_inner_text=True)
    expect(dialog).to_contain_text("无法登录", use_inner_text=True)
    screenshot(page, AREA, "deactivate-confirm-1280")
    dialog.get_by_test_id("confirm-cancel").click()
    expect(dialog).to_be_hidden()
    committee.refresh_from_db()
    assert committee.is_active  # cancelled: nothing happened
    page.get_by_test_id("deactivate").click()
    with page.expect_navigation():
        dialog.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("reactivate")).to_be_visible()
    committee.refresh_from_db()
    assert not committee.is_active


def test_a_file_over_the_limit_is_refused_when_chosen(browser_page, live_server, demo_accounts, settings):
    settings.EVIDENCE_MAX_BYTES = 1024 * 1024
    committee = demo_accounts["community"]
    assessment = AssessmentFactory(community=committee.community, year=2026, user=committee, answered=False)
    uploads = []
    page = browser_page
    page.on(
        "request",
        lambda r: uploads.append(r.url) if "现场录像".encode() in (r.post_data_buffer or b"") else None,
    )
    login(page, live_server, "demo-community")
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    files = page.locator("#c2 input[name=files]")
    files.set_input_files(
        [
            {
                "name": "现场录像.pdf",
                "mimeType": "application/pdf",
                "buffer": PDF_BYTES + b"0" * (2 * 1024 * 1024),
            },
            {"name": "台账.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
        ]
    )
    refused = page.locator("#c2 [data-testid=file-too-large]")
    expect(refused).to_contain_text("文件过大：现场录像.pdf", use_inner_text=True)
    expect(refused).to_contain_text("不能超过 1 MB", use_inner_text=True)
    # The file within the limit stays chosen; the big one is gone before anything was sent.
    expect(page.locator("#c2 .file-chosen")).to_have_text("台账.pdf")
    assert files.evaluate("input => Array.from(input.files).map(f => f.name)") == ["台账.pdf"]
    assert uploads == []
    assert not Evidence.objects.exists()
    page.locator("#c2").scroll_into_view_if_needed()
    screenshot(page, AREA, "file-too-large-1280")
