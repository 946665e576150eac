"""Scores in a real browser (issue 12): under Shanghai's published 18-criterion local standard the
community enters a self-score (a full-width digit is refused next to the field, the typed value
kept; the running total follows the save), and the district's reviewer corrects a score with a
comment and sees the confirmed total against the pass mark, on the page and in the queue.
Screenshots at 1280 and 390 px land in artifacts/screenshots/scores/."""

import pytest
from playwright.sync_api import expect

from apps.assessments.models import Response
from apps.review import submit_services
from tests.browser.conftest import BROWSER_DB, login, screenshot

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_self_score_and_confirmed_score(browser_page, phone_page, live_server, scored_demo):
    page = browser_page
    a = scored_demo["assessment"]
    login(page, live_server, "demo-community")
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    total = page.locator("[data-self-total]")
    expect(total).to_have_text("72", use_inner_text=True)
    c1 = page.locator("[data-testid=criterion-1]")
    expect(c1).to_contain_text("满分5分", use_inner_text=True)
    c1.locator("#c1_self_score").fill("５")
    c1.get_by_role("button", name="保存第1条").click()
    error = page.locator("[data-testid=criterion-1] [data-testid=score-error]")
    error.wait_for()
    expect(error).to_contain_text("请用半角数字填写第1条的得分", use_inner_text=True)
    expect(page.locator("#c1_self_score")).to_have_value("５")
    screenshot(page, "scores", "community-error")
    page.locator("#c1_self_score").fill("4.5")
    page.locator("[data-testid=criterion-1]").get_by_role("button", name="保存第1条").click()
    page.wait_for_function("document.querySelector('[data-self-total]').textContent === '72.5'")
    assert Response.objects.get(assessment=a, criterion__number=1).self_score == 4.5
    screenshot(page, "scores", "community-saved")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "scores", "community-total")

    phone = phone_page
    login(phone, live_server, "demo-community")
    phone.goto(f"{live_server.url}/assessments/{a.pk}/#c17")
    screenshot(phone, "scores", "community-phone")

    # The district (first level of the default chain) corrects criterion 2 with a comment.
    a.refresh_from_db()
    submit_services.assessment_submit(assessment=a, user=scored_demo["community"])
    login(page, live_server, "demo-city")
    page.goto(f"{live_server.url}/review/{a.pk}/")
    verdict = page.locator("[data-testid=verdict-2]")
    expect(verdict.locator("#id_c2-score")).to_have_value("4")
    verdict.get_by_label("认可", exact=True).check()
    verdict.locator("#id_c2-score").fill("1")
    # The review is one form (issue 14): its save button posts every criterion.
    with page.expect_navigation():
        page.get_by_test_id("save-verdicts").click()
    expect(page.locator("[data-testid=verdict-2]")).to_contain_text(
        "第2条的得分由4改为1，请说明理由。", use_inner_text=True
    )
    expect(page.locator("#id_c2-score")).to_have_value("1")
    verdict = page.locator("[data-testid=verdict-2]")
    verdict.locator("textarea").fill("垃圾分类台账缺两个月，扣3分。")
    with page.expect_navigation():
        page.get_by_test_id("save-verdicts").click()
    expect(page.get_by_test_id("confirmed-total")).to_have_text("69.5", use_inner_text=True)
    expect(page.get_by_test_id("score-total")).to_contain_text("达标分数线70", use_inner_text=True)
    screenshot(page, "scores", "review-corrected")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "scores", "review-total")
    page.goto(f"{live_server.url}/review/?state=waiting&year=2026&score=below&sort=score")
    expect(page.locator("[data-testid=queue]")).to_contain_text("上海新村居委会", use_inner_text=True)
    expect(page.get_by_test_id("queue-score")).to_have_text("69.5 / 70", use_inner_text=True)
    screenshot(page, "scores", "queue-below")
    login(phone, live_server, "demo-city")
    phone.goto(f"{live_server.url}/review/{a.pk}/#c2")
    screenshot(phone, "scores", "review-phone")
