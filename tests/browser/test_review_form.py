"""Issue 14, "one review form", in the browser: a reviewer's verdicts and comments on several
criteria are one draft that saves itself; a return before every criterion has a verdict is refused
naming the missing ones and loses nothing; the return asks for confirmation with a summary and takes
the typed comments; in round 2 the changed criteria are marked with the round-1 verdict and comment
beside them; evidence opens in a viewer on the page."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from apps.assessments import services
from apps.assessments.models import AssessmentEvent, State
from apps.review import submit_services
from tests.assessments.conftest import PDF_BYTES, png_bytes
from tests.factories import AssessmentFactory
from tests.review.conftest import TRANSACTIONAL_APPS

from .conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)]

AREA = "review-form"
COMMENTS = {
    3: "宣传栏照片清晰，予以确认。",
    8: "节水器具改造只覆盖一个小区，请补充其余小区的改造记录。",
    12: "物业服务覆盖率缺少证明材料，请补充物业合同。",
}


def test_reviewer_comments_on_several_criteria_survive_saves_and_the_return(
    browser_page, phone_page, live_server, demo_accounts
):
    community, city = demo_accounts["community"], demo_accounts["city"]
    assessment = AssessmentFactory(community=community.community, year=2026, user=community)
    services.evidence_add(
        response=assessment.responses.get(criterion__number=1),
        user=community,
        uploaded_file=SimpleUploadedFile("宣传栏.png", png_bytes((400, 300)), content_type="image/png"),
    )
    submit_services.assessment_submit(assessment=assessment, user=community)
    page = browser_page
    page.on("dialog", lambda d: d.accept())
    base = live_server.url
    login(page, base, city.username)
    page.goto(f"{base}/review/{assessment.pk}/")
    expect(page.locator("form#review-form")).to_have_count(1)
    # The decisions come after the criteria.
    assert page.evaluate(
        "document.querySelector('#c16').compareDocumentPosition(document.querySelector('[data-testid=decisions]'))"
        " & Node.DOCUMENT_POSITION_FOLLOWING"
    )

    # Verdicts on every criterion but 5, comments on three: no button pressed, it saves itself.
    for n in range(1, 17):
        if n == 5:
            continue
        label = "不认可" if n in (8, 12) else "认可"
        page.locator(f"[data-testid=verdict-{n}]").get_by_label(label, exact=True).check()
    for n, text in COMMENTS.items():
        page.locator(f"#c{n} textarea[name=c{n}-comment]").fill(text)
    page.locator("[data-testid=draft-status][data-kind=saved]").wait_for()
    page.wait_for_function(
        "document.querySelector('[data-testid=draft-status]').dataset.kind === 'saved'"
        " && !window.GCDrafts.isDirty(document.getElementById('review-form'))"
    )
    saved = {r.criterion.number: r for r in assessment.responses.select_related("criterion")}
    assert {n: saved[n].review_comment for n in COMMENTS} == COMMENTS
    assert saved[8].verdict == "not_confirmed" and saved[5].verdict == ""

    # A reload (as after a save elsewhere) loses nothing.
    page.reload()
    for n, text in COMMENTS.items():
        expect(page.locator(f"#c{n} textarea[name=c{n}-comment]")).to_have_value(text)
    expect(page.locator("[data-testid=verdict-8]").get_by_label("不认可", exact=True)).to_be_checked()

    # Return before criterion 5 has a verdict: refused, naming it; nothing lost.
    returning = page.locator("[data-testid=decide-return]")
    returning.locator("textarea[name=reason]").fill("佐证材料不完整，请按意见补充后重新提交。")
    returning.get_by_role("button", name="退回").click()
    missing = page.locator("[data-decide-missing]")
    missing.wait_for(state="visible")
    expect(missing).to_contain_text("第5条", use_inner_text=True)
    expect(page.locator("[data-testid=decide-dialog]")).to_be_hidden()
    screenshot(page, AREA, "1-return-refused-missing-verdict-desktop")

    # Criterion 5 confirmed; the return asks first, with the summary.
    page.locator("[data-testid=verdict-5]").get_by_label("认可", exact=True).check()
    page.locator("#c5 textarea[name=c5-comment]").fill("数据与台账一致。")
    returning.get_by_role("button", name="退回").click()
    dialog = page.locator("[data-testid=decide-dialog]")
    dialog.wait_for(state="visible")
    for said in ("认可14项，不认可2项", "佐证材料不完整", "第8条", "第12条", "通知居委会"):
        expect(dialog).to_contain_text(said, use_inner_text=True)
    screenshot(page, AREA, "2-return-confirmation-desktop")
    dialog.get_by_role("button", name="确认").click()
    page.wait_for_selector("[data-testid=state]")
    page.wait_for_function("document.querySelector('[data-testid=state]').textContent.trim() === '退回修改'")
    assessment.refresh_from_db()
    assert assessment.state == State.RETURNED
    event = AssessmentEvent.objects.filter(assessment=assessment, action="returned").get()
    assert event.data["comments"] == {"8": COMMENTS[8], "12": COMMENTS[12]}
    saved = {r.criterion.number: r for r in assessment.responses.select_related("criterion")}
    assert saved[5].review_comment == "数据与台账一致。" and saved[3].review_comment == COMMENTS[3]

    # Round 2: the community changes criterion 8 and resubmits.
    r8 = assessment.responses.get(criterion__number=8)
    services.response_save(
        response=r8, user=community, rating="met", statement="三个小区均已完成节水器具改造。"
    )
    services.evidence_add(
        response=r8, user=community, uploaded_file=SimpleUploadedFile("改造记录.pdf", PDF_BYTES)
    )
    submit_services.assessment_submit(assessment=assessment, user=community)
    page.goto(f"{base}/review/{assessment.pk}/")
    expect(page.locator("[data-testid=changed-summary]")).to_contain_text(
        "社区此后修改了1项指标", use_inner_text=True
    )
    expect(page.locator("#c8 [data-testid=changed]")).to_have_count(1)
    expect(page.locator("[data-testid=changed]")).to_have_count(1)
    previous = page.locator("#c8 [data-testid=previous-verdict]")
    for said in ("第1轮", "不认可", COMMENTS[8]):
        expect(previous).to_contain_text(said, use_inner_text=True)
    expect(page.locator("#c3 [data-testid=previous-verdict]")).to_contain_text("认可", use_inner_text=True)
    page.locator("#c8").scroll_into_view_if_needed()
    screenshot(page, AREA, "3-round-2-changed-desktop")

    # Evidence opens on the page: the photo, then the next file (a PDF inline), previous/next.
    page.locator("#c1 a[data-viewer=image]").first.click()
    viewer = page.locator("[data-testid=evidence-viewer]")
    viewer.wait_for(state="visible")
    expect(viewer.locator("img")).to_have_count(1)
    screenshot(page, AREA, "4-evidence-viewer-image-desktop")
    viewer.get_by_role("button", name="下一个文件").click()
    expect(viewer.locator("iframe")).to_have_count(1)
    expect(viewer.locator("iframe")).to_have_attribute("src", re.compile(r"\?inline=1$"))
    screenshot(page, AREA, "5-evidence-viewer-pdf-desktop")
    viewer.get_by_role("button", name="上一个文件").click()
    expect(viewer.locator("img")).to_have_count(1)
    viewer.get_by_role("button", name="关闭").click()
    viewer.wait_for(state="hidden")

    # The same page on a phone.
    phone = phone_page
    login(phone, base, city.username)
    phone.goto(f"{base}/review/{assessment.pk}/#c8")
    screenshot(phone, AREA, "3-round-2-changed-phone")
    phone.locator("[data-testid=decisions]").scroll_into_view_if_needed()
    screenshot(phone, AREA, "6-decisions-phone")
