"""Implementation plans: filed upward with the file checked like evidence, an on-time mark against
the deadline of the level that asked, accepted or returned by that level only; the ministry sees
which provinces filed and when."""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import ForbiddenError, ServiceError
from apps.targets import services
from apps.targets.models import ImplementationPlan, PlanRequest, TargetEvent

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def upload(data=PDF, name="方案.pdf"):
    return SimpleUploadedFile(name, data)


def file_plan(user, **overrides):
    values = {
        "uploaded_file": upload(),
        "document_number": "沪建〔2020〕123号",
        "issued_on": dt.date(2020, 8, 20),
        "co_issuers": "市发展改革委、市民政局",
        "period_from": 2020,
        "period_to": 2022,
        **overrides,
    }
    return services.plan_file(user=user, **values)


def test_the_ministry_asked_for_plans_by_31_august_2020():
    assert PlanRequest.objects.get(setter__isnull=True).due_on == dt.date(2020, 8, 31)


def test_a_plan_filed_on_and_after_the_deadline(users):
    on_day = dt.datetime(2020, 8, 31, 23, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    with mock.patch.object(timezone, "now", return_value=on_day):
        plan = file_plan(users["shanghai"])
    assert plan.on_time and plan.status == "filed" and plan.due_on == dt.date(2020, 8, 31)
    late = file_plan(users["jiangsu"])  # today: long after 2020
    assert not late.on_time
    assert TargetEvent.objects.filter(action="plan_filed").count() == 2


def test_the_file_is_checked_like_evidence(users):
    with pytest.raises(ServiceError) as exc:
        file_plan(users["shanghai"], uploaded_file=upload(b"not a pdf at all", "方案.pdf"))
    assert exc.value.code == "unsupported_type"
    with pytest.raises(ServiceError):
        file_plan(users["shanghai"], uploaded_file=upload(b"", "empty.pdf"))
    assert not ImplementationPlan.objects.exists()


def test_a_county_files_only_when_asked(users):
    with pytest.raises(ServiceError):
        file_plan(users["xuhui"])
    PlanRequest.objects.create(setter_id="310000000000", due_on=dt.date(2026, 12, 31))
    assert file_plan(users["xuhui"]).on_time


def test_only_the_level_above_decides(users):
    plan = file_plan(users["shanghai"])
    with pytest.raises(ForbiddenError):
        services.plan_decide(user=users["shanghai"], plan=plan, decision="accepted")
    with pytest.raises(ServiceError):
        services.plan_decide(user=users["ministry"], plan=plan, decision="returned", comments="")
    services.plan_decide(
        user=users["ministry"], plan=plan, decision="returned", comments="请补充分年度目标。"
    )
    plan.refresh_from_db()
    assert plan.status == "returned" and plan.comments == "请补充分年度目标。"
    plan = file_plan(users["shanghai"])
    services.plan_decide(user=users["ministry"], plan=plan, decision="accepted")
    with pytest.raises(ServiceError):
        file_plan(users["shanghai"])


def test_the_ministry_sees_which_provinces_filed(users, client, django_assert_max_num_queries):
    file_plan(users["shanghai"])
    client.force_login(users["ministry"])
    with django_assert_max_num_queries(12):
        body = client.get(reverse("targets:plans")).content.decode()
    assert "已报送：1 / 32" in body
    row = body.split('data-code="310000000000"')[1].split("</tr>")[0]
    plan = ImplementationPlan.objects.get()
    assert "沪建〔2020〕123号" in row and timezone.localdate(plan.filed_at).isoformat() in row
    assert "未报送" in body.split('data-code="320000000000"')[1].split("</tr>")[0]
    plan = ImplementationPlan.objects.get()
    client.force_login(users["beijing"])
    assert client.get(reverse("targets:plan_download", kwargs={"pk": plan.pk})).status_code == 404
    client.force_login(users["xuhui"])
    assert client.get(reverse("targets:plan_download", kwargs={"pk": plan.pk})).status_code == 200


def test_the_api_lists_the_plans_in_scope(users, api):
    """The schema has the plans: the ministry reads every unit's, a province its own, another
    province none of it; filtered by status."""
    plan = file_plan(users["shanghai"])
    services.plan_decide(user=users["ministry"], plan=plan, decision="accepted")
    file_plan(users["jiangsu"])
    everything = api(users["ministry"]).get("/api/v1/targets/plans/").json()["results"]
    assert [p["area"] for p in everything] == ["310000000000", "320000000000"]
    shanghai = everything[0]
    assert shanghai["document_number"] == "沪建〔2020〕123号" and shanghai["status"] == "accepted"
    assert shanghai["on_time"] is False and shanghai["due_on"] == "2020-08-31"
    assert shanghai["download"] == reverse("targets:plan_download", kwargs={"pk": plan.pk})
    accepted = api(users["ministry"]).get("/api/v1/targets/plans/", {"status": "accepted"}).json()
    assert [p["area"] for p in accepted["results"]] == ["310000000000"]
    assert [p["area"] for p in api(users["beijing"]).get("/api/v1/targets/plans/").json()["results"]] == []
    assert [p["area"] for p in api(users["xuhui"]).get("/api/v1/targets/plans/").json()["results"]] == [
        "310000000000"
    ]
    schema = api(users["ministry"]).get("/api/schema/").content.decode()
    for path in ("/api/v1/targets/plans/", "/api/v1/targets/lists/", "/api/v1/targets/progress/"):
        assert path in schema


def test_the_file_size_is_checked_like_evidence(users, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(ServiceError) as exc:
        file_plan(users["shanghai"], uploaded_file=upload(PDF + b"%" * 2048))
    assert exc.value.code == "file_too_large" and "MB" in exc.value.message
    # An image named .pdf is not a plan: the type is read from the content, not the name.
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
    with pytest.raises(ServiceError) as exc:
        file_plan(users["shanghai"], uploaded_file=upload(jpeg, "方案.pdf"))
    assert exc.value.field == "file"
    assert not ImplementationPlan.objects.exists()


def test_the_page_says_why_and_keeps_what_was_typed(users, client):
    client.force_login(users["shanghai"])
    response = client.post(
        reverse("targets:plan_file"),
        {
            "document_number": "沪建〔2020〕123号",
            "issued_on": "2020-08-20",
            "co_issuers": "市发展改革委、市民政局",
            "period_from": "2020",
            "period_to": "2022",
            "file": upload(b"MZ\x90\x00 not a document", "方案.pdf"),
        },
    )
    body = response.content.decode()
    assert response.status_code == 200 and 'data-testid="plan-error"' in body
    error = body.split('data-testid="plan-error">')[1].split("<")[0]
    assert any(ord(ch) > 0x2E80 for ch in error)  # a Chinese sentence
    assert 'value="沪建〔2020〕123号"' in body and 'value="市发展改革委、市民政局"' in body
    assert not ImplementationPlan.objects.exists()
    response = client.post(
        reverse("targets:plan_file"),
        {
            "document_number": "沪建〔2020〕123号",
            "issued_on": "2020-08-20",
            "period_from": "2020",
            "period_to": "2022",
            "file": upload(),
        },
    )
    assert (
        response.status_code == 302
        and ImplementationPlan.objects.get().document_number == "沪建〔2020〕123号"
    )
