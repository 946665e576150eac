"""A committee member does the whole yearly job in the browser: open, fill 16 criteria with
evidence, meet the refusals of a too-large and of a disguised file, submit, see it read-only."""

import io
import re

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.assessments.models import Assessment, Evidence, State
from apps.review import services as review_services
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region

from .conftest import BROWSER_DB, login, screenshot

pytestmark = [pytest.mark.browser, BROWSER_DB]

AREA = "assessments"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
STATEMENTS = {
    1: "成立由居委会、业委会、物业和居民代表组成的创建工作小组，每季度召开联席会议。",
    5: "完成小区道路修补与透水铺装改造;生活垃圾分类居民小区全覆盖。",
    10: "噪声投诉仍较多，整治方案已制定，尚未完成。",
    12: "5个居民小区中4个已引入专业物业服务。",
}


def photo_jpeg() -> bytes:
    image = Image.new("RGB", (480, 360), (196, 226, 206))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 250, 480, 360), fill=(92, 160, 96))
    draw.ellipse((330, 30, 420, 120), fill=(250, 210, 90))
    for x in (60, 160, 260):
        draw.rectangle((x + 18, 170, x + 30, 260), fill=(110, 80, 50))
        draw.ellipse((x - 10, 100, x + 58, 190), fill=(40, 120, 60))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def save_criterion(page, number: int, *, rating: str, statement: str, figure: str = "", files=()):
    article = page.locator(f"#c{number}")
    article.locator(f"label.sa-radio-{rating}").click()
    article.locator("textarea[name=statement]").fill(statement)
    if figure:
        article.locator("input[name=figure]").fill(figure)
    if files:
        article.locator("input[name=files]").set_input_files(list(files))
    article.locator("button[type=submit]:not([form])").click()


def test_committee_fills_uploads_submits_and_sees_read_only(
    chromium, browser_page, phone_page, live_server, settings
):
    settings.CAMPAIGN_YEAR = 2026
    settings.EVIDENCE_MAX_BYTES = 2 * 1024 * 1024
    community = CommunityFactory(street=region("310104003"), name="宛平南路社区居委会")
    UserFactory(username="committee", role=Role.COMMUNITY, community=community, display_name="宛平南路居委会")
    page = browser_page

    # Home: this year's assessment, not opened yet, one button to open it.
    login(page, live_server, "committee")
    assert "开始2026年度自评" in page.content()
    page.click("text=开始2026年度自评")
    page.wait_for_url("**/assessments/*/")
    assessment = Assessment.objects.get(community=community, year=2026)
    expect(page.locator("article.sa-criterion")).to_have_count(16)
    expect(page.locator("h2.sa-cat-title")).to_have_count(5)
    screenshot(page, AREA, "1-assessment-desktop")

    # All 16 criteria; a photo on criterion 1 and PDFs elsewhere; criterion 10 honestly not met.
    for number in range(1, 17):
        rating = "not_met" if number == 10 else "met"
        figure = {5: "100", 12: "45"}.get(number, "")
        files = ()
        if rating == "met":
            files = (
                [{"name": "宣传栏.jpg", "mimeType": "image/jpeg", "buffer": photo_jpeg()}]
                if number == 1
                else [{"name": f"第{number}条工作台账.pdf", "mimeType": "application/pdf", "buffer": PDF}]
            )
        statement = STATEMENTS.get(number, f"第{number}条：已按创建标准完成相关工作，详见佐证材料。")
        save_criterion(page, number, rating=rating, statement=statement, figure=figure, files=files)
        page.locator(f"#c{number} .sa-flash").wait_for()
        expect(page.locator(f"#c{number}")).to_contain_text(f"第{number}条已保存", use_inner_text=True)
        if number == 13:
            # Halfway through: the submit page lists exactly what is still missing.
            page.click("[data-testid=submit-link]")
            missing = page.locator("[data-testid=missing]")
            expect(missing).to_contain_text("第14条：尚未自评。", use_inner_text=True)
            expect(missing).to_contain_text("第16条：尚未自评。", use_inner_text=True)
            expect(missing).not_to_contain_text("第13条", use_inner_text=True)
            screenshot(page, AREA, "4-submit-lists-missing-desktop")
            page.go_back()
    expect(page.locator("[data-progress-text]")).to_contain_text(
        "16 / 16 条已填写，15 条有佐证材料", use_inner_text=True
    )
    expect(page.locator("#c1 .sa-thumb img")).to_have_count(1)
    page.locator("#c1").scroll_into_view_if_needed()
    screenshot(page, AREA, "2-criterion-with-photo-desktop")

    # Refusals: a file over the limit, and an HTML page dressed up as a photo. The text stays.
    page.locator("#c2 input[name=files]").set_input_files(
        [{"name": "现场录像.pdf", "mimeType": "application/pdf", "buffer": PDF + b"0" * (3 * 1024 * 1024)}]
    )
    # Refused when chosen, before the upload (issue 20); the server refuses it too when sent anyway
    # (tests/assessments/test_views.py).
    expect(page.locator("#c2 [data-testid=file-too-large]")).to_contain_text("文件过大", use_inner_text=True)
    page.locator("#c3 input[name=files]").set_input_files(
        [{"name": "照片.jpg", "mimeType": "image/jpeg", "buffer": b"<html><script>alert(1)</script></html>"}]
    )
    page.locator("#c3 button[type=submit]:not([form])").click()
    page.locator("#c3 [data-testid=criterion-errors]").wait_for()
    errors = page.locator("#c3 [data-testid=criterion-errors]")
    expect(errors).to_contain_text("照片.jpg 未能添加", use_inner_text=True)
    expect(errors).to_contain_text("不支持的文件类型", use_inner_text=True)
    expect(page.locator("#c3 textarea")).to_have_value(re.compile("^第3条"))
    page.locator("#c2").scroll_into_view_if_needed()
    screenshot(page, AREA, "3-refused-files-desktop")
    assert Evidence.objects.filter(response__assessment=assessment).count() == 15

    # Without JavaScript's help too: a reload shows everything as saved.
    page.reload()
    expect(page.locator("#c12 input[name=figure]")).to_have_value("45")
    expect(page.locator("#c10 input[value=not_met]")).to_be_checked()

    # Submit: confirmation, then read-only.
    page.click("[data-testid=submit-link]")
    page.locator("[data-testid=confirm-submit]").wait_for()
    screenshot(page, AREA, "5-confirm-submit-desktop")
    page.click("[data-testid=confirm-submit]")
    page.locator("[data-testid=read-only]").wait_for()
    expect(page.locator("[data-testid=assessment-state]")).to_have_text("已提交", use_inner_text=True)
    expect(page.locator("form[data-criterion-form]")).to_have_count(0)
    expect(page.locator("textarea, input[type=file]")).to_have_count(0)
    screenshot(page, AREA, "6-submitted-read-only-desktop")
    assessment.refresh_from_db()
    assert assessment.state == State.SUBMITTED

    # The same on a phone, after the reviewers returned it with a comment.
    city = UserFactory(username="xuhui-dept", role=Role.CITY, region=region("310104"))
    review_services.assessment_return(
        assessment=assessment,
        user=city,
        reason="第8条佐证材料不能反映消防通道情况，请补充。",
        comments={8: "请补充消防通道现场照片。"},
    )
    phone = phone_page
    login(phone, live_server, "committee")
    assert "退回修改" in phone.content()
    screenshot(phone, AREA, "7-home-returned-phone")
    phone.click("text=修改并重新提交")
    phone.wait_for_url("**/assessments/*/")
    screenshot(phone, AREA, "8-assessment-phone")
    phone.locator("#c8").scroll_into_view_if_needed()
    expect(phone.locator("#c8")).to_contain_text("请补充消防通道现场照片。", use_inner_text=True)
    screenshot(phone, AREA, "9-criterion-with-comment-phone")

    # Slow phones with scripts off: the same page works with plain form posts.
    check_without_javascript(chromium, live_server)


def check_without_javascript(chromium, live_server):
    """Slow phones with scripts off: plain form posts save, refuse and keep the typed text."""
    community = CommunityFactory(street=region("310104003"), name="永嘉路社区居委会")
    user = UserFactory(username="nojs", role=Role.COMMUNITY, community=community)
    assessment = AssessmentFactory(community=community, year=2026, user=user, answered=False)
    context = chromium.new_context(
        java_script_enabled=False, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    try:
        login(page, live_server, "nojs")
        page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
        with page.expect_navigation():
            save_criterion(page, 12, rating="met", statement="物业覆盖两个小区。", figure="20")
        expect(page.locator("#c12 [data-testid=criterion-errors]")).to_contain_text(
            "至少为30%", use_inner_text=True
        )
        expect(page.locator("#c12 textarea")).to_have_value("物业覆盖两个小区。")
        expect(page.locator("#c12 input[name=figure]")).to_have_value("20")
        page.locator("#c12 label.sa-radio-largely_met").click()
        page.locator("#c12 input[name=files]").set_input_files(
            [{"name": "物业合同.pdf", "mimeType": "application/pdf", "buffer": PDF}]
        )
        page.locator("#c12 button[type=submit]:not([form])").click()
        page.wait_for_url("**/assessments/*/#c12")
        assert "第12条已保存" in page.content()
        expect(page.locator("#c12 [data-testid=evidence]")).to_have_count(1)
    finally:
        context.close()
