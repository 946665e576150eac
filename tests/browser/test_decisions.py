"""Issue 20 in a real browser, under Shanghai's scored local standard (100 points, pass mark 70):

- item 1: the province approves at or above the pass mark without any reason box; below it, the
  approval's own reason box is asked for (and is the text the history keeps);
- item 2: the "below the pass mark" notes appear only when true (community page and review page);
- item 6 (under the national standard): a decision confirmed again (double click, a page reached
  with the back button or left open in another tab) answers the outcome of the first; back shows
  the current state.

Screenshots at 1280 and 390 px land in artifacts/screenshots/decisions/."""

import re

import pytest
from playwright.sync_api import expect

from apps.assessments.models import Action, AssessmentEvent
from apps.review import services as review_services
from apps.review import submit_services
from tests.browser.conftest import BROWSER_DB, decide, login, screenshot
from tests.factories import AssessmentFactory
from tests.review.test_scores import confirm_all

pytestmark = [pytest.mark.browser, BROWSER_DB]


def _at_province(demo, **scores):
    """The demo assessment submitted, every score confirmed by the district, recommended."""
    a = submit_services.assessment_submit(assessment=demo["assessment"], user=demo["community"])
    a = confirm_all(a, demo["city"], **scores)
    return review_services.assessment_recommend(assessment=a, user=demo["city"])


def _state(page):
    return page.get_by_test_id("state")


def test_at_or_above_the_pass_mark_the_province_approves_without_a_reason(
    browser_page, phone_page, live_server, scored_demo
):
    a = _at_province(scored_demo)
    assert a.confirmed_total == 72
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/review/{a.pk}/")
    expect(page.get_by_test_id("decide-approve").locator("textarea")).to_have_count(0)
    screenshot(page, "decisions", "province-approve-above", full_page=True)
    phone = phone_page
    login(phone, live_server, "demo-province")
    phone.goto(f"{live_server.url}/review/{a.pk}/#decisions")
    screenshot(phone, "decisions", "province-approve-above-phone")
    decide(page, "approve", "认定达标")
    expect(_state(page)).to_have_text(re.compile("已通过"))
    assert AssessmentEvent.objects.get(assessment=a, action=Action.APPROVED).reason == ""


def test_below_the_pass_mark_the_approval_asks_for_its_own_reason(browser_page, live_server, scored_demo):
    a = _at_province(scored_demo, c1="0", c2="0")
    assert a.confirmed_total == 64
    page = browser_page
    login(page, live_server, "demo-province")
    page.goto(f"{live_server.url}/review/{a.pk}/")
    expect(page.get_by_test_id("below-pass")).to_contain_text("低于达标分数线")
    for radio in page.locator("#review-form input[type=radio][value=confirmed]").all():
        radio.check()
    approve = page.get_by_test_id("decide-approve")
    approve.get_by_role("button", name="认定达标").click()
    expect(approve.locator(".draft-error")).to_have_text("请先填写此项。")
    expect(page.get_by_test_id("decide-dialog")).to_be_hidden()
    approve.locator("textarea").fill("两项已列入整改计划，予以通过。")
    approve.get_by_role("button", name="认定达标").click()
    dialog = page.get_by_test_id("decide-dialog")
    expect(dialog).to_contain_text("两项已列入整改计划，予以通过。")
    with page.expect_navigation():
        dialog.get_by_role("button", name="确认").click()
    expect(_state(page)).to_have_text(re.compile("已通过"))
    # The approval's own box, not the return's (empty) one in the same review form.
    assert (
        AssessmentEvent.objects.get(assessment=a, action=Action.APPROVED).reason
        == "两项已列入整改计划，予以通过。"
    )


def test_below_pass_mark_notes_only_when_true(browser_page, phone_page, live_server, scored_demo):
    a = scored_demo["assessment"]  # self-scores 4 × 18 = 72
    page = browser_page
    login(page, live_server, "demo-community")
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    note = page.get_by_test_id("below-pass")
    expect(page.locator("[data-self-total]")).to_have_text("72")
    expect(note).to_be_hidden()
    screenshot(page, "decisions", "community-above")
    # Two criteria down to 0: 64, below; the note follows the saved total (each save awaited).
    for n, score, total in ((1, "0", "68"), (2, "0", "64")):
        box = page.get_by_test_id(f"criterion-{n}")
        box.locator(f"#c{n}_self_score").fill(score)
        box.get_by_role("button", name=f"保存第{n}条").click()
        expect(page.locator("[data-self-total]")).to_have_text(total)
    expect(note).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "decisions", "community-below")
    for n, score, total in ((1, "4", "68"), (2, "4", "72")):
        box = page.get_by_test_id(f"criterion-{n}")
        box.locator(f"#c{n}_self_score").fill(score)
        box.get_by_role("button", name=f"保存第{n}条").click()
        expect(page.locator("[data-self-total]")).to_have_text(total)
    expect(note).to_be_hidden()

    # Submitted, no level has confirmed a score yet: the review page compares the self-score.
    a.refresh_from_db()
    a = submit_services.assessment_submit(assessment=a, user=scored_demo["community"])
    login(page, live_server, "demo-city")
    page.goto(f"{live_server.url}/review/{a.pk}/")
    total = page.get_by_test_id("score-total")
    expect(total).to_contain_text("自评分 72 / 100（尚无核定分）")
    expect(total).not_to_contain_text("低于达标分数线")
    screenshot(page, "decisions", "review-self-score")
    phone = phone_page
    login(phone, live_server, "demo-city")
    phone.goto(f"{live_server.url}/review/{a.pk}/")
    expect(phone.get_by_test_id("score-total")).to_contain_text("（尚无核定分）")
    screenshot(phone, "decisions", "review-self-score-phone")

    # Approved at 72: the community's page has no note at all.
    a = confirm_all(a, scored_demo["city"])
    a = review_services.assessment_recommend(assessment=a, user=scored_demo["city"])
    review_services.assessment_approve(assessment=a, user=scored_demo["province"])
    login(page, live_server, "demo-community")
    page.goto(f"{live_server.url}/assessments/{a.pk}/")
    expect(page.get_by_test_id("confirmed-total")).to_have_text("72")
    expect(page.get_by_test_id("below-pass")).to_have_count(0)
    screenshot(page, "decisions", "community-approved")
    login(phone, live_server, "demo-community")
    phone.goto(f"{live_server.url}/assessments/{a.pk}/")
    expect(phone.get_by_test_id("below-pass")).to_have_count(0)
    screenshot(phone, "decisions", "community-approved-phone")


@pytest.fixture
def national_demo(demo_accounts):
    """The demo community's assessment under the national standard (no points), filled."""
    from tests.assessments.conftest import fill

    community = demo_accounts["community"]
    assessment = AssessmentFactory(community=community.community, year=2026, user=community, answered=False)
    return {**demo_accounts, "assessment": fill(assessment, community)}


def test_a_decision_confirmed_again_answers_the_first_outcome(browser_page, live_server, national_demo):
    a = submit_services.assessment_submit(
        assessment=national_demo["assessment"], user=national_demo["community"]
    )
    a = review_services.assessment_recommend(assessment=a, user=national_demo["city"])
    page = browser_page
    login(page, live_server, "demo-province")
    url = f"{live_server.url}/review/{a.pk}/"
    # The same review page left open in another tab (as a page reached with the back button is).
    other = page.context.new_page()
    other.goto(url)
    page.goto(url)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" and "/approve/" in r.url else None)
    for radio in page.locator("#review-form input[type=radio][value=confirmed]").all():
        radio.check()
    page.get_by_test_id("decide-approve").get_by_role("button", name="认定达标").click()
    dialog = page.get_by_test_id("decide-dialog")
    with page.expect_navigation():
        dialog.get_by_role("button", name="确认").dblclick()
    expect(_state(page)).to_have_text(re.compile("已通过"))
    expect(page.locator(".messages")).to_contain_text("已认定")
    assert len(posts) == 1  # the double click sent one decision

    # Back: the page as it is now (approved, nothing to approve), not a copy from the cache.
    page.go_back()
    expect(_state(page)).to_have_text(re.compile("已通过"))
    expect(page.get_by_test_id("decide-approve")).to_have_count(0)

    # 确认 again on the page opened before the decision: the outcome of the first, nobody blamed.
    decide(other, "approve", "认定达标")
    expect(other.locator(".messages")).to_contain_text("该决定已提交")
    expect(other.locator("body")).not_to_contain_text("其他人")
    expect(_state(other)).to_have_text(re.compile("已通过"))
    screenshot(other, "decisions", "province-approve-again")
    assert AssessmentEvent.objects.filter(assessment=a, action=Action.APPROVED).count() == 1


def test_the_committee_submitting_again_from_an_open_page_is_told_it_is_submitted(
    browser_page, live_server, national_demo
):
    a = national_demo["assessment"]
    page = browser_page
    login(page, live_server, "demo-community")
    url = f"{live_server.url}/assessments/{a.pk}/submit/"
    other = page.context.new_page()
    other.goto(url)
    page.goto(url)
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    with page.expect_navigation():
        page.get_by_test_id("confirm-submit").dblclick()
    expect(page.locator(".messages")).to_contain_text("已提交审核")
    assert len(posts) == 1  # the double click sent one submission
    with other.expect_navigation():
        other.get_by_test_id("confirm-submit").click()
    expect(other.locator(".msg-info")).to_contain_text("未重复提交")
    expect(other.locator(".msg-error")).to_have_count(0)
    assert AssessmentEvent.objects.filter(assessment=a, action=Action.SUBMITTED).count() == 1
