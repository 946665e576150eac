"""Composing and publishing a local standard in a real browser, as Shanghai's provincial department.

Starts the year's standard from the national one, splits criterion 5, adds a criterion counted
under national criterion 2, renumbers national 16 as 18, gives 100 points with a pass mark of 70,
is refused a full-width number (the Chinese message next to the field, the typed text kept),
previews it as the community will see it and publishes it. Screenshots at desktop width and at
390 px land in artifacts/screenshots/standards/ (docs/ with UPDATE_SCREENSHOTS=1)."""

import re

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.core.campaign import campaign_year
from apps.standards.models import Category, Criterion, StandardVersion
from apps.standards.selectors import national_standard, standard_for
from tests.browser.conftest import BROWSER_DB, login, screenshot
from tests.factories import UserFactory, region

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def province_staff(transactional_db):
    user = UserFactory(
        username="demo-province",
        role=Role.PROVINCE,
        region=region("31"),
        display_name="上海市住房和城乡建设管理委员会",
    )
    yield user
    # The standards tables are reference data kept between browser tests: remove what this made.
    local = StandardVersion.objects.filter(province__isnull=False)
    Criterion.objects.filter(standard__in=local).delete()
    Category.objects.filter(standard__in=local).delete()
    local.delete()


def _row(page, number: int):
    return page.locator(f"[data-testid=criterion-{number}]")


def test_compose_and_publish_a_local_standard(browser_page, phone_page, live_server, province_staff):
    page = browser_page
    year = campaign_year()
    login(page, live_server, "demo-province")
    page.get_by_role("link", name="创建标准").click()
    page.wait_for_url("**/standards/")
    screenshot(page, "standards", "index-empty")

    start = page.locator("[data-testid=start-form]")
    start.locator("select[name=year]").select_option(str(year))
    start.get_by_role("button", name="新建草稿").click()
    page.wait_for_url("**/standards/*/")
    assert "草稿已新建" in page.content()
    expect(page.locator("[data-testid=criterion-16]")).to_have_count(1)

    # Split national 5 into local 5 and 17; add an 18th.
    with page.expect_navigation():
        _row(page, 5).get_by_role("button", name="拆分").click()
    assert "第5条已拆分" in page.content()
    with page.expect_navigation():
        page.get_by_test_id("add").click()
    expect(_row(page, 18)).to_have_count(1)

    # Points, pass mark, texts and the mapping; one number typed with full-width digits.
    page.fill("#id_total_points", "100")
    page.fill("#id_pass_mark", "70")
    for n in range(1, 19):
        _row(page, n).locator("input[name$=-points]").fill("5" if n <= 16 else "10")
    _row(page, 17).locator("textarea[name$=-text_zh]").fill("生活垃圾分类居民小区全覆盖")
    new = _row(page, 18)
    new.locator("textarea[name$=-text_zh]").fill("建立社区志愿服务队伍，定期开展环境整治志愿活动")
    national_two = Criterion.objects.get(standard=national_standard(), number=2)
    new.locator("select[name$=-national_criterion]").select_option(str(national_two.pk))
    _row(page, 1).locator("input[name$=-points]").fill("５")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    first = _row(page, 1)
    expect(first).to_contain_text("请用半角数字输入", use_inner_text=True)
    expect(first.locator("input[name$=-points]")).to_have_value("５")  # what was typed stays
    expect(new.locator("textarea[name$=-text_zh]")).to_have_value(re.compile("^建立社区志愿服务队伍"))
    first.scroll_into_view_if_needed()
    screenshot(page, "standards", "refused-full-width-digits")
    assert Criterion.objects.filter(standard__province__isnull=False).count() == 18
    assert not Criterion.objects.filter(standard__province__isnull=False, points__isnull=False).exists()

    first.locator("input[name$=-points]").fill("5")
    # Renumber: national 16 becomes local 18, the added criterion local 16.
    _row(page, 16).locator("input[name$=-number]").fill("18")
    new.locator("input[name$=-number]").fill("16")
    with page.expect_navigation():
        page.get_by_test_id("save").click()
    assert "草稿已保存" in page.content()
    expect(page.locator("[data-testid=problems]")).to_have_count(0)
    screenshot(page, "standards", "draft-18-criteria", full_page=True)

    page.get_by_test_id("preview").click()
    page.wait_for_url("**/preview/")
    assert "本标准满分100分" in page.content()
    expect(page.locator("[data-testid^=preview-criterion-]")).to_have_count(18)
    screenshot(page, "standards", "preview")
    with page.expect_navigation():
        page.get_by_test_id("publish").click()
        # Publishing asks first and says what will happen (issue 20).
        dialog = page.get_by_test_id("confirm-dialog")
        expect(dialog).to_contain_text("发布后不能再修改", use_inner_text=True)
        dialog.get_by_test_id("confirm-ok").click()
    expect(page.get_by_test_id("standard-state")).to_contain_text("已发布", use_inner_text=True)
    expect(page.get_by_test_id("in-force")).to_have_count(1)
    screenshot(page, "standards", "published", full_page=True)

    standard = standard_for(province=region("31"), year=year)
    assert standard.province_id == "310000000000" and standard.published_by == province_staff
    mapping = {c.number: c.national_criterion.number for c in Criterion.objects.filter(standard=standard)}
    assert mapping == {**{n: n for n in range(1, 16)}, 16: 2, 17: 5, 18: 16}
    assert (standard.total_points, standard.pass_mark) == (100, 70)

    # Publishing twice: the preview of a published version has no publish button; a replayed
    # request is refused with the reason.
    page.goto(f"{live_server.url}/standards/{standard.pk}/preview/")
    expect(page.get_by_test_id("publish")).to_have_count(0)

    # The same pages at 390 px.
    phone = phone_page
    login(phone, live_server, "demo-province")
    phone.goto(f"{live_server.url}/standards/")
    screenshot(phone, "standards", "index-phone", full_page=True)
    phone.goto(f"{live_server.url}/standards/{standard.pk}/preview/")
    screenshot(phone, "standards", "preview-phone")
    phone.goto(f"{live_server.url}/standards/{standard.pk}/")
    with phone.expect_navigation():
        phone.get_by_test_id("new-version").click()
    assert "第2版草稿已新建" in phone.content()
    screenshot(phone, "standards", "draft-phone")
