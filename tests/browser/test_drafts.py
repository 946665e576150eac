"""Issue 14, "drafts survive everything", in the browser: the committee's text is saved as it is
typed; the session ends while typing (the session cookie is gone, as after the 30-minute idle
logout): the text stays on the page, a dialog offers to sign in again in a new tab, and after that
the text is saved; the save URL opened by GET lands on the page, never on a 405; files chosen
together with a refused text are added and the text stays to be corrected."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import Role
from apps.assessments.models import Evidence
from tests.factories import AssessmentFactory, CommunityFactory, UserFactory, region

from .conftest import BROWSER_DB, login, screenshot, sign_in

pytestmark = [pytest.mark.browser, BROWSER_DB]

AREA = "drafts"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
LONG = "居委会联合物业对小区内12处积水点完成了排水改造，并组织居民志愿者每月开展一次环境巡查。"


@pytest.fixture
def committee(settings):
    settings.CAMPAIGN_YEAR = 2026
    community = CommunityFactory(street=region("310104003"), name="宛平南路社区居委会")
    user = UserFactory(username="committee", role=Role.COMMUNITY, community=community)
    assessment = AssessmentFactory(community=community, year=2026, user=user, answered=False)
    return user, assessment


def test_text_survives_the_end_of_the_session_and_is_saved_after_signing_in(
    chromium, browser_page, live_server, committee
):
    user, assessment = committee
    page = browser_page
    unload_warnings = []
    page.on("dialog", lambda d: (unload_warnings.append(d.type), d.accept()))
    page.context.clear_cookies()
    login(page, live_server, "committee", fresh=False)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")

    # Typing saves by itself: no button pressed.
    c2 = page.locator("#c2")
    c2.locator("label.sa-radio-largely_met").click()
    c2.locator("textarea[name=statement]").fill("第一段：" + LONG)
    c2.locator("[data-draft-status][data-kind=saved]").wait_for()
    expect(c2.locator("[data-draft-status]")).to_contain_text("已保存 ", use_inner_text=True)
    expect(c2.locator(".sa-status .sa-chip")).to_have_text("基本达到", use_inner_text=True)
    response = assessment.responses.get(criterion__number=2)
    assert (response.rating, response.statement) == ("largely_met", "第一段：" + LONG)
    screenshot(page, AREA, "1-autosaved-desktop")

    # The session ends (idle logout): the session cookie is gone; the user goes on typing.
    kept = [c for c in page.context.cookies() if c["name"] != "sessionid"]
    page.context.clear_cookies()
    page.context.add_cookies(kept)
    typed = "第一段：" + LONG + "\n第二段：超时之后继续输入的文字。"
    c2.locator("textarea[name=statement]").fill(typed)
    dialog = page.locator("[data-testid=draft-signin]")
    dialog.wait_for(state="visible")
    expect(dialog).to_contain_text("登录已超时", use_inner_text=True)
    expect(c2.locator("textarea[name=statement]")).to_have_value(typed)
    stored = page.evaluate(f"localStorage.getItem('gc-draft:/assessments/{assessment.pk}/criteria/2/')")
    assert "超时之后继续输入的文字" in stored
    assert "/accounts/login/" not in page.url
    screenshot(page, AREA, "2-session-ended-dialog-desktop")

    # Sign in again in a new tab (the dialog's link), come back, save.
    with page.context.expect_page() as new_tab:
        dialog.locator("[data-testid=draft-signin-link]").click()
    tab = new_tab.value
    tab.wait_for_load_state()
    sign_in(tab, "committee")
    tab.wait_for_url(f"{live_server.url}/")
    tab.close()
    page.bring_to_front()
    # Back on the page, either it saved by itself or the dialog offers to retry: wait for one of them.
    retry = dialog.locator("[data-testid=draft-retry]")
    expect(c2.locator("[data-draft-status][data-kind=saved]").or_(retry).first).to_be_visible()
    if retry.is_visible():
        retry.click()
    c2.locator("[data-draft-status][data-kind=saved]").wait_for()
    dialog.wait_for(state="hidden")
    response.refresh_from_db()
    assert response.statement.replace("\r\n", "\n") == typed.strip()
    assert page.evaluate(f"localStorage.getItem('gc-draft:/assessments/{assessment.pk}/criteria/2/')") is None

    # Leaving with unsaved text warns (beforeunload); with everything saved it does not.
    c2.locator("textarea[name=statement]").press("End")
    page.keyboard.type("未保存")
    page.reload()
    assert "beforeunload" in unload_warnings
    # The unsaved words came back from the browser's store and were saved.
    page.locator("#c2 [data-draft-status][data-kind=saved]").wait_for()
    response.refresh_from_db()
    assert response.statement.endswith("未保存")

    # The save URL opened as a page (e.g. the login page's `next`) lands on the criterion.
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/criteria/2/")
    assert page.url.endswith(f"/assessments/{assessment.pk}/#c2")
    assert "405" not in page.content()


def test_files_chosen_with_a_refused_text_stay_and_the_text_is_corrected(
    chromium, browser_page, phone_page, live_server, committee
):
    user, assessment = committee
    page = browser_page
    page.on("dialog", lambda d: d.accept())
    page.context.clear_cookies()
    login(page, live_server, "committee", fresh=False)
    page.goto(f"{live_server.url}/assessments/{assessment.pk}/")
    c7 = page.locator("#c7")
    c7.locator("label.sa-radio-met").click()
    c7.locator("input[name=files]").set_input_files(
        [
            {"name": "改造前后对比.pdf", "mimeType": "application/pdf", "buffer": PDF},
            {"name": "验收记录.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ]
    )
    c7.locator("button[type=submit]:not([form])").click()
    errors = page.locator("#c7 [data-testid=criterion-errors]")
    expect(errors).to_contain_text("已添加：改造前后对比.pdf、验收记录.pdf", use_inner_text=True)
    text = errors.inner_text()
    assert "须填写说明" in text or "说明" in text
    expect(page.locator("#c7 [data-testid=evidence]")).to_have_count(2)
    assert (
        Evidence.objects.filter(response__criterion__number=7, response__assessment=assessment).count() == 2
    )
    expect(page.locator("#c7 input[value=met]")).to_be_checked()
    page.locator("#c7").scroll_into_view_if_needed()
    screenshot(page, AREA, "3-files-kept-through-text-error-desktop")

    # Correct the text: it saves by itself; the files are still there.
    page.locator("#c7 textarea[name=statement]").fill("完成了公共绿地改造，验收合格。")
    page.locator("#c7 [data-draft-status][data-kind=saved]").wait_for()
    response = assessment.responses.get(criterion__number=7)
    assert (response.rating, response.statement) == ("met", "完成了公共绿地改造，验收合格。")
    page.reload()
    expect(page.locator("#c7 [data-testid=evidence]")).to_have_count(2)

    # The same page on a phone.
    phone = phone_page
    phone.context.clear_cookies()
    login(phone, live_server, "committee", fresh=False)
    phone.goto(f"{live_server.url}/assessments/{assessment.pk}/#c7")
    phone.locator("#c7").scroll_into_view_if_needed()
    screenshot(phone, AREA, "3-files-kept-through-text-error-phone")
