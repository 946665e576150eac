"""The official act in a real browser: the last level proposes, the province makes and publishes a
batch, a member of the public objects on a phone (390 px), the province upholds one objection (the
assessment is back in review with the objection on its criterion) and dismisses another, then names
the batch; the public page, the naming PDF and the national figures show it."""

import datetime as dt
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from apps.assessments.models import Assessment, State
from apps.naming import objections as naming_objections
from apps.naming import services as naming_services
from apps.naming.models import Batch, Objection
from apps.review import services as review_services
from tests.browser.conftest import BROWSER_DB, decide, login, screenshot
from tests.factories import AssessmentFactory, UserFactory
from tests.naming.conftest import make_assessments

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_propose_publish_object_resolve_and_name(
    browser_page, phone_page, live_server, demo_accounts, tmp_path
):
    province = demo_accounts["province"]
    naming_services.naming_procedure_set(
        user=province,
        province_id="310000000000",
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
    )

    committee = demo_accounts["community"]
    assessment = AssessmentFactory(
        community=committee.community, year=2026, user=committee, state=State.SUBMITTED
    )
    city = UserFactory(username="xuhui-city-naming", role="city", region=demo_accounts["city"].region)
    recommended = review_services.assessment_recommend(assessment=assessment, user=city)
    others = make_assessments(2, state=State.PROPOSED)
    Assessment.objects.filter(pk__in=[a.pk for a in others]).update(review_chain="county,province")

    # The last level proposes.
    page = browser_page
    login(page, live_server, province.username)
    page.goto(f"{live_server.url}/review/{recommended.pk}/")
    decide(page, "approve", "认定达标")
    assert Assessment.objects.get(pk=recommended.pk).state == State.PROPOSED

    # The procedure page says what follows the last level.
    page.goto(f"{live_server.url}/naming/procedure/?year=2026")
    expect(page.get_by_test_id("procedure-current")).to_contain_text("公示")
    screenshot(page, "naming", "procedure-1280")

    # The province makes the batch from every proposed community, previews and publishes it.
    page.goto(f"{live_server.url}/naming/batches/new/?year=2026")
    expect(page.get_by_text("上海新村居委会")).to_be_visible()
    page.get_by_test_id("batch-create").click()
    expect(page.get_by_test_id("batch-state")).to_be_visible()
    expect(page.get_by_test_id("city-group").first).to_contain_text("徐汇区")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("publish")).to_have_count(0)
    batch = Batch.objects.get()
    assert batch.state == "published"

    # A member of the public objects on a phone: a bad phone first, then the right one.
    phone = phone_page
    phone.goto(f"{live_server.url}/public/batches/{batch.pk}/")
    expect(phone.get_by_text("上海新村居委会")).to_be_visible()
    phone.get_by_test_id("object-link").click()
    phone.select_option("#objection-community", str(recommended.pk))
    phone.select_option("#objection-criterion", "5")
    phone.fill("#objection-text", "垃圾箱房并未实行定时定点投放。")
    phone.fill("#objection-name", "王五")
    phone.fill("#objection-phone", "12345")
    phone.get_by_test_id("objection-submit").click()
    expect(phone.get_by_test_id("error-phone")).to_be_visible()
    expect(phone.locator("#objection-text")).to_have_value("垃圾箱房并未实行定时定点投放。")
    screenshot(phone, "naming", "public-objection-390")
    phone.fill("#objection-phone", "13912345678")
    phone.get_by_test_id("objection-submit").click()
    expect(phone.get_by_test_id("public-batch-head")).to_be_visible()
    assert phone.viewport_size["width"] == 390
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    naming_objections.objection_submit(
        batch=batch,
        assessment_id=others[0].pk,
        text="来信反映材料不实。",
        name="赵六",
        phone="13700000000",
        source="letter",
        user=province,
    )
    upheld, dismissed = Objection.objects.order_by("pk")

    # The province upholds the first (back to the district level) and dismisses the second.
    page.goto(f"{live_server.url}/naming/batches/{batch.pk}/")
    expect(page.get_by_test_id(f"objection-{upheld.pk}")).to_contain_text("王五")
    form = page.get_by_test_id(f"resolve-{upheld.pk}")
    form.locator("input[value=upheld]").check()
    form.locator("select[name=to_level]").select_option("county")
    form.locator("textarea").fill("经现场核查，情况属实。")
    form.get_by_role("button").click()
    form = page.get_by_test_id(f"resolve-{dismissed.pk}")
    form.locator("input[value=dismissed]").check()
    form.locator("textarea").fill("经核查，反映情况不属实。")
    form.get_by_role("button").click()
    expect(page.get_by_test_id(f"resolve-{dismissed.pk}")).to_have_count(0)
    back = Assessment.objects.get(pk=recommended.pk)
    assert (back.state, back.review_level) == (State.SUBMITTED, "county")
    assert "垃圾箱房" in back.responses.get(criterion__number=5).review_comment

    # The notice ends; the province names the batch.
    today = timezone.localdate()
    Batch.objects.filter(pk=batch.pk).update(
        notice_start=today - dt.timedelta(days=8), notice_end=today - dt.timedelta(days=1)
    )
    page.goto(f"{live_server.url}/naming/batches/{batch.pk}/")
    page.fill("#id_document_number", "沪建管〔2026〕88号")
    page.get_by_test_id("name").click()
    expect(page.get_by_test_id("batch-docno")).to_have_text("沪建管〔2026〕88号")
    screenshot(page, "naming", "batch-named-1280", full_page=True)
    assert Assessment.objects.filter(state=State.APPROVED).count() == 2

    # The public page, the naming PDF and the national figures.
    phone.goto(f"{live_server.url}/public/batches/{batch.pk}/")
    expect(phone.get_by_test_id("public-named")).to_contain_text("沪建管〔2026〕88号")
    expect(phone.get_by_text("上海新村居委会")).to_have_count(0)
    screenshot(phone, "naming", "public-batch-named-390", full_page=True)
    pdf = phone.request.get(f"{live_server.url}/public/batches/{batch.pk}/naming.pdf")
    path = tmp_path / "naming.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    assert "沪建管〔2026〕88号" in text and others[1].community.name in text and "上海新村居委会" not in text
    ministry = UserFactory(username="ministry-naming", role="ministry")
    client = Client()
    client.force_login(ministry)
    html = client.get("/reports/national/2026/").content.decode()
    assert 'data-stage="named">2<' in html


def test_the_province_works_the_batch_on_a_phone(phone_page, live_server, demo_accounts):
    """The province's pages at 390 px (issue 22, done-when): batch creation, publish, resolving an
    objection and naming, each without sideways scrolling."""
    province = demo_accounts["province"]
    naming_services.naming_procedure_set(
        user=province,
        province_id="310000000000",
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
    )
    proposed = make_assessments(3, state=State.PROPOSED)
    Assessment.objects.filter(pk__in=[a.pk for a in proposed]).update(review_chain="county,province")
    page = phone_page
    assert page.viewport_size["width"] == 390

    def fits() -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, page.url

    login(page, live_server, province.username)
    page.goto(f"{live_server.url}/naming/?year=2026")
    page.get_by_test_id("batch-new-link").click()
    expect(page.get_by_text(proposed[0].community.name)).to_be_visible()
    fits()
    screenshot(page, "naming", "batch-new-390", full_page=True)
    page.get_by_test_id("batch-create").click()
    expect(page.get_by_test_id("batch-state")).to_be_visible()
    fits()
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("publish")).to_have_count(0)
    batch = Batch.objects.get()
    assert batch.state == "published"
    fits()

    objection = naming_objections.objection_submit(
        batch=batch, assessment_id=proposed[0].pk, text="反映材料不实。", name="王五", phone="13912345678"
    )
    page.reload()
    expect(page.get_by_test_id(f"objection-{objection.pk}")).to_contain_text("王五")
    form = page.get_by_test_id(f"resolve-{objection.pk}")
    form.locator("input[value=dismissed]").check()
    form.locator("textarea").fill("经核查，反映情况不属实。")
    form.get_by_role("button").click()
    expect(page.get_by_test_id(f"resolve-{objection.pk}")).to_have_count(0)
    fits()
    screenshot(page, "naming", "batch-resolved-390", full_page=True)
    assert Objection.objects.get(pk=objection.pk).outcome == "dismissed"

    today = timezone.localdate()
    Batch.objects.filter(pk=batch.pk).update(
        notice_start=today - dt.timedelta(days=8), notice_end=today - dt.timedelta(days=1)
    )
    page.goto(f"{live_server.url}/naming/batches/{batch.pk}/")
    page.fill("#id_document_number", "沪建管〔2026〕90号")
    page.get_by_test_id("name").click()
    expect(page.get_by_test_id("batch-docno")).to_have_text("沪建管〔2026〕90号")
    fits()
    screenshot(page, "naming", "batch-named-390", full_page=True)
    assert Assessment.objects.filter(pk__in=[a.pk for a in proposed], state=State.APPROVED).count() == 3
