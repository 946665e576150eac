"""The API does what the pages do: evidence download by token, the report narrative read and
write, the campaign year and its deadlines, and a compile on a frozen report says why it did
nothing; the annual reports' filters are real and documented."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.assessments import services
from apps.reports import services as report_services
from apps.reports import tasks
from apps.reports.models import CompileJob
from tests.assessments.conftest import PDF_BYTES, png_bytes
from tests.factories import UserFactory, region

SECTIONS = ("mechanism", "measures", "support", "problems", "plans")
SH = "310000000000"


@pytest.fixture
def evidence(assessment, community_user):
    response = assessment.responses.get(criterion__number=2)
    return services.evidence_add(
        response=response,
        user=community_user,
        uploaded_file=SimpleUploadedFile("纪要.pdf", PDF_BYTES, content_type="application/pdf"),
    )


def test_evidence_downloads_by_token_like_the_page(api, client_for, city_user, assessment, evidence):
    detail = api(city_user).get(f"/api/v1/assessments/{assessment.pk}/").json()
    url = next(e for r in detail["responses"] for e in r["evidence"])["download_url"]
    assert url == f"/api/v1/evidence/{evidence.pk}/"
    r = api(city_user, HTTP_ACCEPT="application/pdf").get(url)
    assert r.status_code == 200 and r.streaming
    assert b"".join(r.streaming_content) == PDF_BYTES
    page = client_for(city_user).get(f"/assessments/evidence/{evidence.pk}/")
    for header in (
        "Content-Type",
        "Content-Disposition",
        "X-Content-Type-Options",
        "Content-Security-Policy",
        "Cache-Control",
    ):
        assert r[header] == page[header], header
    assert r["Content-Disposition"].startswith("attachment")
    inline = api(city_user).get(url, {"inline": "true"})
    assert inline["Content-Disposition"].startswith("inline")
    bad = api(city_user).get(url, {"inline": "yes"})
    assert bad.status_code == 400 and list(bad.json()["fields"]) == ["inline"]


def test_evidence_download_keeps_the_scope(api, evidence):
    beijing = UserFactory(username="bj", role="province", region=region("11"))
    r = api(beijing).get(f"/api/v1/evidence/{evidence.pk}/")
    assert r.status_code == 404 and r.json()["code"] == "not_found"
    assert api().get(f"/api/v1/evidence/{evidence.pk}/").status_code == 401


def test_images_open_inline_through_the_api(api, community_user, assessment):
    response = assessment.responses.get(criterion__number=3)
    photo = services.evidence_add(
        response=response,
        user=community_user,
        uploaded_file=SimpleUploadedFile("p.png", png_bytes(), content_type="image/png"),
    )
    r = api(community_user).get(f"/api/v1/evidence/{photo.pk}/", {"inline": "true"})
    assert r.status_code == 200 and r["Content-Type"] == "image/png"
    assert r["Content-Disposition"].startswith("inline")


@pytest.fixture
def report(db):
    return report_services.annual_report_ensure(province_code=SH, year=2025)


def test_narrative_read_and_write(api, province_user, ministry_user, report):
    client = api(province_user)
    r = client.get(f"/api/v1/reports/annual/{report.pk}/narrative/")
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["is_editable"] is True
    r = client.patch(
        f"/api/v1/reports/annual/{report.pk}/narrative/", {"mechanism": "  建立联席会议  ", "version": 1}
    )
    assert r.status_code == 200, r.content
    assert r.json()["mechanism"] == "建立联席会议" and r.json()["version"] == 2
    report.refresh_from_db()
    assert report.mechanism == "建立联席会议" and report.measures == ""
    stale = client.patch(f"/api/v1/reports/annual/{report.pk}/narrative/", {"measures": "x", "version": 1})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    assert api(ministry_user).get(f"/api/v1/reports/annual/{report.pk}/narrative/").status_code == 200
    r = api(ministry_user).patch(f"/api/v1/reports/annual/{report.pk}/narrative/", {"measures": "x"})
    assert r.status_code == 403
    beijing = UserFactory(username="bj", role="province", region=region("11"))
    assert api(beijing).get(f"/api/v1/reports/annual/{report.pk}/narrative/").status_code == 404
    r = client.patch(f"/api/v1/reports/annual/{report.pk}/narrative/", {"plans": "计划\x00"})
    assert r.status_code == 400 and list(r.json()["fields"]) == ["plans"]


def _submitted(report, user):
    report_services.annual_report_update_narrative(
        report=report, user=user, data={n: "内容" for n in SECTIONS}
    )
    return report_services.annual_report_submit(report=report, user=user)


def test_narrative_of_a_submitted_report_is_read_only(api, province_user, report):
    _submitted(report, province_user)
    client = api(province_user)
    assert client.get(f"/api/v1/reports/annual/{report.pk}/narrative/").json()["is_editable"] is False
    r = client.patch(f"/api/v1/reports/annual/{report.pk}/narrative/", {"plans": "改"})
    assert r.status_code == 409


def test_compile_on_a_frozen_report_says_it_changed_nothing_and_why(api, province_user, report):
    frozen = _submitted(report, province_user)
    figures, compiled_at = frozen.figures, frozen.compiled_at
    r = api(province_user).post("/api/v1/reports/jobs/", {"kind": "province", "year": 2025, "province": "31"})
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "report_frozen"
    assert "冻结" in r.json()["message"]
    assert not CompileJob.objects.exists()
    # A job that was already queued when the report was submitted says so when it runs.
    job = CompileJob.objects.create(kind="province", year=2025, province_id=SH)
    tasks.compile_annual_report(SH, 2025, str(job.pk))
    body = api(province_user).get(f"/api/v1/reports/jobs/{job.pk}/").json()
    assert body["state"] == "done" and body["outcome"] == "frozen"
    assert "冻结" in body["note"]
    frozen.refresh_from_db()
    assert frozen.figures == figures and frozen.compiled_at == compiled_at


def test_compile_job_outcome_compiled_then_unchanged(api, province_user, report, xuhui_community):
    first = CompileJob.objects.create(kind="province", year=2025, province_id=SH)
    tasks.compile_annual_report(SH, 2025, str(first.pk))
    second = CompileJob.objects.create(kind="province", year=2025, province_id=SH)
    tasks.compile_annual_report(SH, 2025, str(second.pk))
    outcomes = [
        api(province_user).get(f"/api/v1/reports/jobs/{j.pk}/").json()["outcome"] for j in (first, second)
    ]
    assert outcomes == ["compiled", "unchanged"]


def test_campaign_year_and_deadlines(api, community_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    body = api(community_user).get("/api/v1/campaign/").json()
    today = timezone.localdate()
    assert body["year"] == 2026 and body["first_year"] == 2020
    assert body["years"] == [2020, 2021, 2022, 2023, 2024, 2025, 2026]
    assert body["report_deadline"] == "2026-11-30"
    assert body["report_days_left"] == (dt.date(2026, 11, 30) - today).days
    assert body["report_deadline_passed"] is (today > dt.date(2026, 11, 30))
    assert body["time_zone"] == "Asia/Shanghai" and body["today"] == today.isoformat()
    assert body["national_target_share"] == 0.6 and body["national_target_year"] == 2022
    assert api().get("/api/v1/campaign/").status_code == 401


def test_annual_report_filters_are_checked(api, ministry_user, db):
    for code in (SH, "110000000000"):
        report_services.annual_report_ensure(province_code=code, year=2025)
    report_services.annual_report_ensure(province_code=SH, year=2024)
    client = api(ministry_user)
    assert client.get("/api/v1/reports/annual/").json()["count"] == 3
    assert client.get("/api/v1/reports/annual/", {"year": 2025}).json()["count"] == 2
    assert client.get("/api/v1/reports/annual/", {"province": "31"}).json()["count"] == 2
    assert client.get("/api/v1/reports/annual/", {"province": SH, "year": 2024}).json()["count"] == 1
    for bad in ({"year": "abc"}, {"year": "٢٠٢٥"}, {"province": "3"}, {"province": "上海"}):
        r = client.get("/api/v1/reports/annual/", bad)
        assert r.status_code == 400 and list(r.json()["fields"]) == list(bad), bad


def test_annual_report_filters_are_in_the_schema(api, ministry_user):
    schema = api(ministry_user).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    names = {p["name"] for p in schema["paths"]["/api/v1/reports/annual/"]["get"]["parameters"]}
    assert {"year", "province", "page", "page_size"} <= names


def test_return_comments_name_criteria_of_the_assessment(api, city_user, submitted):
    client = api(city_user)
    for key in ("x", "99", "٣"):
        r = client.post(
            f"/api/v1/assessments/{submitted.pk}/return/", {"reason": "请补充", "comments": {key: "意见"}}
        )
        assert r.status_code == 400 and r.json()["code"] == "unknown_criterion", (key, r.content)
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
