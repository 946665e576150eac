"""Other departments' opinion before the public notice in a real browser (issue 25, done-when): the
province consults two departments on a draft batch, 公安 objects to one community, 民政 lets the
deadline pass (recorded once as 逾期未反馈，视为无意见 by the daily task), the province resolves the
objection with a reason, publishes and names the batch; the naming PDF lists both answers."""

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.assessments.models import Assessment, State
from apps.departments import tasks
from apps.departments.models import Consultation, DepartmentObjection
from apps.naming import services as naming_services
from apps.naming.models import Batch, BatchEntry
from tests.browser.conftest import BROWSER_DB, login, screenshot
from tests.departments.conftest import make_department
from tests.naming.conftest import make_assessments

pytestmark = [pytest.mark.browser, BROWSER_DB]


def test_consult_object_lapse_resolve_and_name(
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
        steps=["opinions"],
    )
    proposed = make_assessments(3, state=State.PROPOSED)
    Assessment.objects.filter(pk__in=[a.pk for a in proposed]).update(review_chain="county,province")
    police = make_department("demo-dept", "public_security", name="上海市公安局")
    make_department("sh-minzheng", "civil_affairs", name="上海市民政局")
    target = proposed[0].community

    # The province makes the batch and sends it to 公安 and 民政 (deadline: today).
    page = browser_page
    login(page, live_server, province.username)
    page.goto(f"{live_server.url}/naming/batches/new/?year=2026")
    page.get_by_test_id("batch-create").click()
    expect(page.get_by_test_id("batch-state")).to_be_visible()
    batch = Batch.objects.get()
    page.get_by_test_id("publish").click()  # refused: nobody was asked yet
    expect(page.get_by_text("请先就本批名单征求有关部门意见")).to_be_visible()
    form = page.get_by_test_id("consult-form")
    form.get_by_label("公安").check()
    form.get_by_label("民政").check()
    form.get_by_test_id("consult").click()
    expect(page.get_by_test_id("consultation-public_security")).to_contain_text("尚未答复")
    screenshot(page, "departments", "batch-consulted-1280", full_page=True)

    # 公安 objects to one community, on a phone.
    phone = phone_page
    login(phone, live_server, police.username)
    phone.goto(f"{live_server.url}/departments/")
    phone.get_by_role("link", name=batch.title).click()
    phone.get_by_label("有意见").check()
    phone.get_by_test_id("answer-submit").click()  # no text: refused, nothing lost
    expect(phone.get_by_test_id("answer-error")).to_be_visible()
    phone.get_by_test_id(f"entry-{target.code}").fill("该社区智能安防设施尚未投入使用。")
    phone.get_by_test_id("answer-submit").click()
    expect(phone.get_by_test_id("answer")).to_have_text("有意见")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "departments", "consultation-answered-390", full_page=True)
    assert BatchEntry.objects.get(batch=batch, assessment=proposed[0]).state == "held"

    # 民政's deadline passes: the daily task records its silence once.
    Consultation.objects.filter(batch=batch).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert tasks.consultation_deadlines()["lapsed"] == 1
    assert tasks.consultation_deadlines()["lapsed"] == 0

    # The province cannot publish while the objection is open, resolves it, publishes.
    page.goto(f"{live_server.url}/naming/batches/{batch.pk}/")
    expect(page.get_by_test_id("consultation-civil_affairs")).to_contain_text("逾期未反馈，视为无意见")
    page.get_by_test_id("publish").click()
    expect(page.get_by_text("请先处理有关部门的意见")).to_be_visible()
    page.get_by_test_id("consultation-public_security").get_by_role("link").click()
    objection = DepartmentObjection.objects.get()
    resolve = page.get_by_test_id(f"resolve-{objection.pk}")
    resolve.locator("input[value=kept]").check()
    resolve.locator("textarea").fill("经公安部门现场复核，设施已于本月投入使用。")
    resolve.get_by_role("button").click()
    expect(page.get_by_test_id(f"resolve-{objection.pk}")).to_have_count(0)
    page.goto(f"{live_server.url}/naming/batches/{batch.pk}/")
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("publish")).to_have_count(0)
    assert Batch.objects.get(pk=batch.pk).state == "published"

    # The notice ends; the province names the batch with every community.
    today = timezone.localdate()
    Batch.objects.filter(pk=batch.pk).update(
        notice_start=today - dt.timedelta(days=8), notice_end=today - dt.timedelta(days=1)
    )
    page.goto(f"{live_server.url}/naming/batches/{batch.pk}/")
    page.fill("#id_document_number", "沪建管〔2026〕99号")
    page.get_by_test_id("name").click()
    expect(page.get_by_test_id("batch-docno")).to_have_text("沪建管〔2026〕99号")
    screenshot(page, "departments", "batch-named-1280", full_page=True)
    assert Assessment.objects.filter(pk__in=[a.pk for a in proposed], state=State.APPROVED).count() == 3

    pdf = page.request.get(f"{live_server.url}/naming/batches/{batch.pk}/naming.pdf")
    path = tmp_path / "naming.pdf"
    path.write_bytes(pdf.body())
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    flat = "".join(text.split())
    assert "征求有关部门意见情况" in flat
    assert "上海市公安局" in flat and "有意见" in flat and "智能安防设施尚未投入使用" in flat
    assert "民政" in flat and "逾期未反馈，视为无意见" in flat
    assert "设施已于本月投入使用" in flat
