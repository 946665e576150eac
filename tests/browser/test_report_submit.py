"""Issue 14: a province typed the report narrative and pressed 报送 without 保存: the text was gone and
the message did not say which part was empty. Now the submit saves the narrative first, names the
empty part, and sends only after the confirmation saying what is sent and who is told."""

import pytest
from playwright.sync_api import expect

from apps.reports import services as reports
from apps.reports.models import AnnualReport

from .conftest import BROWSER_DB, login, screenshot

pytestmark = [pytest.mark.browser, BROWSER_DB]

AREA = "report-submit"
TEXT = {
    "mechanism": "建立省、市、区三级绿色社区创建联席会议制度，每季度调度一次。",
    "measures": "组织培训12场，覆盖全部街道。",
    "support": "省级财政安排专项补助资金。",
    "plans": "2027年推广示范社区经验。",
}


def test_narrative_survives_submit_and_the_empty_part_is_named(
    chromium, browser_page, phone_page, live_server, demo_accounts
):
    report = reports.annual_report_compile(province_code="310000000000", year=2026)
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/reports/{report.pk}/")
    for name, text in TEXT.items():
        page.fill(f"textarea[name={name}]", text)
    # 报送 without 保存, with section 4 (problems) empty.
    page.click("[data-testid=save-and-submit]")
    error = page.locator("[data-testid=submit-error]")
    error.wait_for()
    expect(error).to_contain_text("仍未填写：4. ", use_inner_text=True)
    for name, text in TEXT.items():
        expect(page.locator(f"textarea[name={name}]")).to_have_value(text)
    saved = AnnualReport.objects.get(pk=report.pk)
    assert saved.state == "draft" and saved.mechanism == TEXT["mechanism"] and saved.plans == TEXT["plans"]
    page.locator("#submit-report").scroll_into_view_if_needed()
    screenshot(page, AREA, "1-empty-part-named-desktop")

    # Section 4 written: the confirmation says what is sent and who is told; nothing sent yet.
    page.fill("textarea[name=problems]", "部分老旧小区改造资金不足。")
    page.click("[data-testid=save-and-submit]")
    confirm = page.locator("[data-testid=confirm-submit-report]")
    confirm.wait_for()
    expect(confirm).to_contain_text("住房和城乡建设部", use_inner_text=True)
    expect(confirm).to_contain_text("冻结", use_inner_text=True)
    assert AnnualReport.objects.get(pk=report.pk).state == "draft"
    assert AnnualReport.objects.get(pk=report.pk).problems == "部分老旧小区改造资金不足。"
    confirm.scroll_into_view_if_needed()
    screenshot(page, AREA, "2-confirm-submit-desktop")
    phone = phone_page
    login(phone, live_server, "demo-province")
    phone.goto(f"{live_server.url}/reports/{report.pk}/#submit-report")
    screenshot(phone, AREA, "3-narrative-phone")

    page.click("[data-testid=confirm-submit]")
    page.wait_for_selector("[data-testid=report-state]")
    saved = AnnualReport.objects.get(pk=report.pk)
    assert saved.state == "submitted"
    assert (saved.mechanism, saved.problems) == (TEXT["mechanism"], "部分老旧小区改造资金不足。")
