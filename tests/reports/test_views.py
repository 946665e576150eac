"""Scope of every report page and API route for every role; page content; query counts."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.reports import jobs, services
from apps.reports.models import AnnualReport
from tests.factories import UserFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reports.urls")]
SH = "310000000000"


@pytest.fixture
def users(community_user, city_user, province_user, ministry_user):
    return {
        "community": community_user,
        "city": city_user,
        "province": province_user,
        "beijing": UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11")),
        "ministry": ministry_user,
        "admin": UserFactory(username="admin-user", role=Role.ADMIN),
    }


@pytest.fixture
def world(small_world, ministry_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.compile_job_start(user=ministry_user, kind="year", year=2025)
    return {"report": AnnualReport.objects.get(province_id=SH, year=2025), "job": job}


SEE_SH_REPORT = {"province", "ministry", "admin"}
SEE_NATIONAL = {"ministry", "admin"}


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("role", ["community", "city", "province", "beijing", "ministry", "admin"])
def test_report_pages_scope(client, users, world, role):
    report = world["report"]
    ok = role in SEE_SH_REPORT
    for name in ("detail", "pdf"):
        response = _get(client, users[role], reverse(f"reports:{name}", args=[report.pk]))
        assert response.status_code == (200 if ok else 404), (name, role)
    for name in ("narrative", "compile", "submit", "return"):
        response = client.post(reverse(f"reports:{name}", args=[report.pk]), {"reason": "x"})
        if not ok:
            assert response.status_code == 404, (name, role)
    response = client.get(reverse("reports:job", args=[world["job"].pk]))
    assert response.status_code == (200 if role in SEE_NATIONAL else 404)


@pytest.mark.parametrize("role", ["community", "city", "province", "beijing", "ministry", "admin"])
def test_national_pages_scope(client, users, world, role):
    ok = role in SEE_NATIONAL
    for url in (
        reverse("reports:national", args=[2025]),
        reverse("reports:national_pdf", args=[2025]),
        reverse("reports:national_current"),
    ):
        status = _get(client, users[role], url).status_code
        assert status == ((200, 302) if ok else (404,))[0] or (ok and status == 302), (url, role, status)
    if not ok:
        assert client.post(reverse("reports:national_compile", args=[2025])).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    assert client.get(reverse("reports:detail", args=[world["report"].pk])).status_code == 302
    assert client.get("/api/v1/reports/annual/").status_code in (401, 403)


def test_province_index_redirects_to_own_report(client, users, world, settings):
    settings.CAMPAIGN_YEAR = 2025
    response = _get(client, users["province"], reverse("reports:index"))
    assert response.url == reverse("reports:detail", args=[world["report"].pk])


def test_report_page_in_chinese_with_figures(client, users, world, django_assert_max_num_queries):
    client.force_login(users["province"])
    # 15, and 2 for the departments taking part (apps.departments: who confirmed, the list to ask).
    with django_assert_max_num_queries(17):
        response = client.get(reverse("reports:detail", args=[world["report"].pk]))
    html = response.content.decode()
    for text in ("年度总结评估报告", "工作机制", "徐汇区", "50.0%", 'data-testid="live-note"', "<svg"):
        assert text in html, text


def test_province_edits_and_submits_through_pages(client, users, world):
    report = world["report"]
    client.force_login(users["province"])
    data = {n: "内容" for n in ("mechanism", "measures", "support", "problems", "plans")}
    response = client.post(
        reverse("reports:narrative", args=[report.pk]), {**data, "version": report.version}
    )
    assert response.status_code == 302
    stale = client.post(reverse("reports:narrative", args=[report.pk]), {**data, "version": report.version})
    assert stale.status_code == 400 and "其他人已修改" in stale.content.decode()
    report.refresh_from_db()
    client.post(reverse("reports:submit", args=[report.pk]), {"version": report.version, "confirm": "1"})
    report.refresh_from_db()
    assert report.state == "submitted"


def test_dashboard_sorted_with_status(client, users, world, django_assert_max_num_queries):
    client.force_login(users["ministry"])
    url = reverse("reports:national", args=[2025])
    # 11: the naming stages beside "meeting the requirements" are one query (apps.naming). And one for the units'
    # targets (apps.targets: none here, so nothing more is read). And one for the departments'
    # confirmations of each unit's report (apps.departments).
    with django_assert_max_num_queries(13):
        html = client.get(url + "?sort=share").content.decode()
    assert html.index("北京市") < html.index("上海市") < html.index("河北省")
    assert "50.0%" in html and "逾期未报送" in html  # 4 of 8 (the users fixture adds a community)
    html = client.get(url + "?sort=name").content.decode()
    assert html.index("北京市") < html.index("天津市") < html.index("上海市")


def test_pdf_download(client, users, world):
    client.force_login(users["province"])
    response = client.get(reverse("reports:pdf", args=[world["report"].pk]))
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- API ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["community", "city", "province", "beijing", "ministry", "admin"])
def test_api_scope(client, users, world, role):
    report = world["report"]
    ok = role in SEE_SH_REPORT
    client.force_login(users[role])
    for url in (f"/api/v1/reports/annual/{report.pk}/", f"/api/v1/reports/annual/{report.pk}/pdf/"):
        assert client.get(url).status_code == (200 if ok else 404), (url, role)
    if not ok:
        assert (
            client.post(
                f"/api/v1/reports/annual/{report.pk}/submit/", content_type="application/json"
            ).status_code
            == 404
        )
    listed = client.get("/api/v1/reports/annual/?year=2025").json()
    expected = {"province": 1, "beijing": 1, "ministry": 32, "admin": 32}.get(role, 0)
    assert listed["count"] == expected
    national = role in SEE_NATIONAL
    for url in ("/api/v1/reports/national/2025/", "/api/v1/reports/national/2025/pdf/"):
        assert client.get(url).status_code == (200 if national else 404), (url, role)
    assert client.get(f"/api/v1/reports/jobs/{world['job'].pk}/").status_code == (200 if national else 404)


def test_api_list_filters_and_queries(client, users, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["ministry"])
    with CaptureQueriesContext(connection) as one:
        data = client.get("/api/v1/reports/annual/?year=2025&province=31").json()
    assert data["count"] == 1 and data["results"][0]["province_name"] == "上海市"
    with CaptureQueriesContext(connection) as all_:
        assert client.get("/api/v1/reports/annual/").json()["count"] == 32
    assert len(one) == len(all_) <= 8  # 1 row or 32 rows: the same queries


def test_api_compile_job_and_poll(client, users, world, django_capture_on_commit_callbacks):
    client.force_login(users["province"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/reports/jobs/",
            {"kind": "province", "year": 2025, "province": "31"},
            content_type="application/json",
        )
    assert response.status_code == 202
    job = client.get(f"/api/v1/reports/jobs/{response.json()['id']}/").json()
    assert job["state"] == "done"
    refused = client.post(
        "/api/v1/reports/jobs/",
        {"kind": "province", "year": 2025, "province": "11"},
        content_type="application/json",
    )
    assert refused.status_code == 403


def test_api_submit(client, users, world):
    report = world["report"]
    services.annual_report_update_narrative(
        report=report,
        user=users["province"],
        data={n: "内容" for n in ("mechanism", "measures", "support", "problems", "plans")},
    )
    client.force_login(users["ministry"])
    assert (
        client.post(
            f"/api/v1/reports/annual/{report.pk}/submit/", content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(users["province"])
    response = client.post(f"/api/v1/reports/annual/{report.pk}/submit/", content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == "submitted"
    assert (
        client.post(
            f"/api/v1/reports/annual/{report.pk}/submit/", content_type="application/json"
        ).status_code
        == 409
    )


def test_home_panels(client, users, world):
    client.force_login(users["province"])
    assert "年度总结评估报告" in client.get("/").content.decode()
    client.force_login(users["ministry"])
    assert "全国进展" in client.get("/").content.decode()
    client.force_login(users["city"])
    assert 'data-testid="home-report"' not in client.get("/").content.decode()


def test_submit_saves_the_narrative_first_names_the_empty_part_and_asks_first(client, users, world):
    """Issue 14: the narrative typed and submitted without 保存 was lost, and the message did not say
    which part was empty. Now the submit saves it, names the empty sections, and sends nothing before
    the confirm step."""
    report = world["report"]
    client.force_login(users["province"])
    url = reverse("reports:submit", args=[report.pk])
    typed = {
        "mechanism": "建立联席会议制度。",
        "measures": "开展培训12场。",
        "support": "",
        "problems": "",
        "plans": "推广经验。",
    }
    refused = client.post(url, {**typed, "version": report.version})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert (
        "仍未填写" in page
        and "3. " in page
        and "4. " in page
        and "1. 工作机制" not in page.split("仍未填写")[1]
    )
    report.refresh_from_db()
    assert report.state != "submitted"
    assert (report.mechanism, report.measures, report.plans) == (
        "建立联席会议制度。",
        "开展培训12场。",
        "推广经验。",
    )
    assert "建立联席会议制度。" in page  # still in the form

    full = {**typed, "support": "省级财政补助。", "problems": "老旧小区改造资金不足。"}
    asked = client.post(url, {**full, "version": report.version})
    assert asked.status_code == 200
    assert "请确认" in asked.content.decode() and "住房和城乡建设部" in asked.content.decode()
    report.refresh_from_db()
    assert report.state != "submitted" and report.support == "省级财政补助。"

    done = client.post(url, {**full, "version": report.version, "confirm": "1"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.problems == "老旧小区改造资金不足。"


def test_ministry_may_not_submit_a_units_report(client, users, world):
    report = world["report"]
    client.force_login(users["ministry"])
    response = client.post(
        reverse("reports:submit", args=[report.pk]), {"version": report.version, "confirm": "1"}
    )
    assert response.status_code == 403


def test_get_of_the_narrative_and_submit_urls_goes_to_the_report_never_405(client, users, world):
    report = world["report"]
    client.force_login(users["province"])
    for name in ("reports:narrative", "reports:submit"):
        response = client.get(reverse(name, args=[report.pk]))
        assert response.status_code == 302 and response["Location"] == reverse(
            "reports:detail", args=[report.pk]
        )
