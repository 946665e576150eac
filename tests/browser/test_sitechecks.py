"""Site checks on a phone, offline (issue 23): demo-expert opens the assignment at 390 px, the
network goes away, the checklist is filled with photos, the page is closed and opened again (from
the service worker's copy, the records from IndexedDB), the network returns and the inspection
arrives once; the leader signs off and the province sees the site total beside the confirmed one.
Screenshots land in artifacts/screenshots/sitechecks/."""

import pytest
from playwright.sync_api import expect

from apps.assessments.models import Assessment, State
from apps.naming import services as naming_services
from apps.sitechecks import services
from apps.sitechecks.models import Expert, Inspection, InspectionItem, InspectionPhoto
from tests.browser.conftest import BROWSER_DB, login, screenshot
from tests.factories import UserFactory
from tests.review.conftest import png_bytes

pytestmark = [pytest.mark.browser, BROWSER_DB]


@pytest.fixture
def assigned(scored_demo):
    yield _assigned(scored_demo)
    # scored_demo removes the assessments after: first what protects them.
    from apps.sitechecks import models as m

    for model in (m.InspectionPhoto, m.InspectionItem, m.Inspection, m.Conflict, m.Assignment, m.SampleEntry):
        model.objects.all().delete()
    m.InspectionPlan.objects.all().delete()


def _assigned(scored_demo):
    province = scored_demo["province"]
    naming_services.naming_procedure_set(
        user=province,
        province_id="310000000000",
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
        steps=("site_checks",),
    )
    a = scored_demo["assessment"]
    Assessment.objects.filter(pk=a.pk).update(
        state=State.PROPOSED, review_chain="county,province", confirmed_total=80
    )
    expert = UserFactory(username="demo-expert", role="expert", display_name="王专家")
    Expert.objects.create(user=expert, pool_id="310000000000")
    plan = services.plan_set(
        user=province, province_id="310000000000", year=2026, rule="all", value=0, seed="t"
    )
    draw = services.sample_draw(user=province, plan=plan)
    group = services.group_create(
        user=province, plan=plan, name="第一检查组", leader_id=expert.pk, member_ids=[expert.pk]
    )
    return services.assignment_create(user=province, sample=draw.entries.get(), group=group)


def photo(name):
    return {"name": name, "mimeType": "image/png", "buffer": png_bytes()}


def test_offline_checklist_arrives_once(phone_page, browser_page, live_server, assigned):
    assignment = assigned
    page = phone_page
    context = page.context
    login(page, live_server, "demo-expert")
    url = f"{live_server.url}/sitechecks/assignments/{assignment.pk}/"
    page.goto(url)
    expect(page.locator("#checklist")).to_have_attribute("data-offline-ready", "1")

    context.set_offline(True)
    items = page.locator("form.sc-item")
    count = items.count()
    assert count == 18
    for i in range(count):
        form = items.nth(i)
        form.locator("input[name=verdict][value=met]").check()
        form.locator("input[name=score]").fill("4")
        if i < 2:
            form.locator("textarea[name=note]").fill(f"现场查看第{i + 1}条")
            form.locator("input[type=file]").set_input_files(
                [photo(f"c{i + 1}-a.png"), photo(f"c{i + 1}-b.png")]
            )
        form.locator("button[type=submit]").click()
        expect(form.get_by_test_id(f"state-{i + 1}")).to_have_text("已保存在本机，等待发送")
    status = page.get_by_test_id("sync-status")
    expect(status).to_have_attribute("data-waiting", "18")
    screenshot(page, "sitechecks", "offline-phone")
    assert not InspectionItem.objects.exists()

    # Closed and opened again, still offline: the page comes from the service worker, the
    # records from IndexedDB.
    page.close()
    page = context.new_page()
    page.goto(url)
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-waiting", "18")
    expect(page.locator("form.sc-item").first.locator("textarea[name=note]")).to_have_value("现场查看第1条")
    assert not InspectionItem.objects.exists()

    context.set_offline(False)
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-waiting", "0", timeout=30_000)
    assert Inspection.objects.count() == 1
    assert InspectionItem.objects.count() == 18
    assert InspectionPhoto.objects.count() == 4
    # Reopened online: nothing is sent twice.
    page.reload()
    expect(page.get_by_test_id("sync-status")).to_have_attribute("data-waiting", "0")
    assert (Inspection.objects.count(), InspectionItem.objects.count(), InspectionPhoto.objects.count()) == (
        1,
        18,
        4,
    )

    # The leader signs off (online); the province sees the site total beside the confirmed one.
    sign = page.get_by_test_id("sign-off")
    sign.locator("input[value='1']").check()
    sign.locator("textarea").fill("现场核查符合要求")
    with page.expect_navigation():
        sign.get_by_role("button").click()
    screenshot(page, "sitechecks", "signed-off-phone")
    desk = browser_page
    login(desk, live_server, "demo-province")
    desk.goto(f"{live_server.url}/review/{assignment.sample.assessment_id}/")
    expect(desk.get_by_test_id("site-total")).to_have_text("72.00")
    expect(desk.get_by_test_id("site-check")).to_contain_text("80")
    screenshot(desk, "sitechecks", "review-site-total")
