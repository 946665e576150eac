"""Targets in the browser: Shanghai sets 徐汇区's target on its page (typed in full-width digits,
a wrong value first), and its dashboard then shows 徐汇区 behind its target, 黄浦区 met; 徐汇区
reads its own target without a form. Screenshots at 1280 and 390 px land in
artifacts/screenshots/targets/."""

import datetime as dt
import subprocess
import zoneinfo

import pytest
from playwright.sync_api import expect

from apps.reports.figures import store
from tests.browser.conftest import BROWSER_DB, login, screenshot
from tests.browser.test_accessibility import axe_violations, readable
from tests.factories import CommunityFactory, region
from tests.reports.conftest import make_assessment

pytestmark = [pytest.mark.browser, BROWSER_DB]
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def _figures():
    at = dt.datetime(2026, 6, 1, 10, tzinfo=SH)
    xuhui = [CommunityFactory(street=region("310104003"), code=f"31010400310{i}") for i in range(4)]
    huangpu = [CommunityFactory(street=region("310101002"), code=f"31010100210{i}") for i in range(2)]
    make_assessment(xuhui[0], 2026, "approved", first_submitted_at=at, approved_at=at)
    for c in huangpu:
        make_assessment(c, 2026, "approved", first_submitted_at=at, approved_at=at)
    store.unit_figures_refresh(province_id="310000000000", years=[2026])


def test_a_district_below_its_target_on_the_province_dashboard(browser_page, live_server, demo_accounts):
    from apps.targets import services

    _figures()
    services.target_set(
        user=demo_accounts["province"], area=region("310101"), year=2026, participation="", meeting="60"
    )
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/targets/2026/310104000000/")
    page.fill("#id_meeting", "１５０")
    page.click("[data-testid=target-form] button[type=submit]")
    expect(page.locator("[data-testid=target-form] [role=alert]")).to_contain_text("0 到 100")
    expect(page.locator("#id_meeting")).to_have_value("１５０")
    page.fill("#id_meeting", "７０")
    page.click("[data-testid=target-form] button[type=submit]")
    expect(page.locator(".msg-success")).to_be_visible()
    page.goto(f"{live_server.url}/")
    row = page.locator("[data-testid=home-targets] tr[data-code='310104000000']")
    expect(row.locator("[data-testid=actual]")).to_have_text("20.0 %")
    expect(row.locator("[data-testid=target]")).to_contain_text("70 %")
    expect(row.locator("[data-testid=state]")).to_have_text("落后")
    expect(
        page.locator("[data-testid=home-targets] tr[data-code='310101000000'] [data-testid=state]")
    ).to_have_text("达到")
    screenshot(page, "targets", "province-dashboard", full_page=True)
    page.goto(f"{live_server.url}/targets/2026/")
    screenshot(page, "targets", "targets-year", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "targets", "targets-year-390", full_page=True)
    # 徐汇区 reads its own target, with no form to change it.
    login(page, live_server, "demo-city")
    page.goto(f"{live_server.url}/targets/2026/310104000000/")
    expect(page.locator("[data-testid=read-only]")).to_be_visible()
    expect(page.locator("[data-testid=target-form]")).to_have_count(0)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/targets/2026/list/")
    page.fill("#id_codes", "310104003101\n310104003102")
    page.click("[data-testid=list-form] button[type=submit]")
    expect(page.locator("[data-testid=list-figures]")).to_contain_text("计划 2 个")
    screenshot(page, "targets", "creation-list", full_page=True)


def _pdf_lines(page, href: str, tmp_path) -> list[str]:
    """The PDF behind a link of the page, fetched with the page's own session, as text lines."""
    response = page.request.get(href)
    assert response.ok and response.headers["content-type"] == "application/pdf"
    path = tmp_path / "bulletin.pdf"
    path.write_bytes(response.body())
    text = subprocess.run(  # noqa: S603
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return text.splitlines()


def test_a_district_below_its_target_in_the_bulletin_and_on_the_national_map(
    browser_page, live_server, demo_accounts, tmp_path
):
    """徐汇区 below its target (20 % against 70 %) on Shanghai's dashboard and in the 通报 PDF the
    dashboard links to; the ministry switches its tile map to the distance to target (a link, no
    script) and sees Shanghai behind its own target. axe-core finds nothing on either page."""
    from apps.accounts.models import Role
    from apps.targets import services
    from tests.factories import UserFactory

    _figures()
    ministry = UserFactory(username="demo-ministry-targets", role=Role.MINISTRY)
    province = demo_accounts["province"]
    services.target_set(user=province, area=region("310104"), year=2026, participation="", meeting="70")
    services.target_set(user=province, area=region("310101"), year=2026, participation="", meeting="60")
    services.target_set(user=ministry, area=region("31"), year=2026, participation="", meeting="60")
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/")
    row = page.locator("[data-testid=home-targets] tr[data-code='310104000000']")
    expect(row.locator("[data-testid=state]")).to_have_text("落后")
    page.goto(f"{live_server.url}/targets/2026/")
    link = page.get_by_test_id("bulletin")
    expect(link).to_be_visible()
    lines = _pdf_lines(page, live_server.url + link.get_attribute("href"), tmp_path)
    xuhui = next(line for line in lines if "徐汇区" in line)
    huangpu = next(line for line in lines if "黄浦区" in line)
    assert "落后" in xuhui and "20.0%" in xuhui and "70%" in xuhui
    assert "达到" in huangpu and lines.index(huangpu) < lines.index(xuhui)
    problems = {"province /targets/2026/": axe_violations(page)}

    login(page, live_server, ministry.username)
    page.goto(f"{live_server.url}/reports/national/2026/")
    expect(page.get_by_test_id("tilemap")).to_have_attribute("data-colour", "share")
    page.get_by_test_id("by-target").click()
    tiles = page.get_by_test_id("tilemap")
    expect(tiles).to_have_attribute("data-colour", "target")
    shanghai = tiles.locator("a[href='/reports/figures/2026/310000000000/']")
    expect(shanghai).to_contain_text("落后")
    expect(shanghai).to_contain_text("/60%")
    expect(tiles).to_contain_text("达到：已达到目标")
    problems["ministry national ?colour=target @1280"] = axe_violations(page)
    tiles.scroll_into_view_if_needed()
    screenshot(page, "targets", "national-map-by-target-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    problems["ministry national ?colour=target @390"] = axe_violations(page)
    page.get_by_test_id("tilemap").scroll_into_view_if_needed()
    screenshot(page, "targets", "national-map-by-target-390")
    # The ministry's plans page, with a plan to decide on (the decision's select and comments).
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.targets.models import PlanRequest

    # The ministry's request (a migration's row) is gone when an earlier browser test emptied it.
    PlanRequest.objects.get_or_create(setter=None, defaults={"due_on": dt.date(2020, 8, 31)})
    services.plan_file(
        user=province,
        uploaded_file=SimpleUploadedFile("方案.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        document_number="沪建〔2020〕123号",
        issued_on=dt.date(2020, 8, 20),
        co_issuers="市发展改革委",
        period_from=2020,
        period_to=2022,
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/targets/plans/")
    expect(page.locator("[data-testid=plans] tr[data-code='310000000000']")).to_contain_text(
        "沪建〔2020〕123号"
    )
    problems["ministry /targets/plans/"] = axe_violations(page)
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, readable(problems)
