"""Actual against target, counted again with plain SQL and compared with the selector, the pages,
the home dashboard, the export and the API; the creation list's figures likewise."""

import csv
import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from apps.targets import selectors, services
from tests.factories import CommunityFactory, UserFactory, region

from .conftest import HUANGPU, SHANGHAI, XUHUI, YEAR

pytestmark = pytest.mark.django_db


def sql_actual(county: str, year: int, *, column: str = "county_id") -> dict:
    """Registered, participating and meeting of one county (or of the area in `column`), and the
    state against its target, in SQL."""
    assert column in ("county_id", "city_id", "province_id")
    nxt = dt.datetime(year + 1, 1, 1, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    with connection.cursor() as cur:
        cur.execute(
            """
            SELECT
              (SELECT count(*) FROM communities_community c WHERE c.{column} = %(county)s),
              (SELECT count(*) FROM assessments_assessment a JOIN communities_community c ON c.code = a.community_id
                 WHERE c.{column} = %(county)s AND a.year = %(year)s AND a.state <> 'draft'),
              (SELECT count(DISTINCT a.community_id) FROM assessments_assessment a
                 JOIN communities_community c ON c.code = a.community_id
                 WHERE c.{column} = %(county)s AND a.approved_at < %(next)s
                   AND (a.revoked_at IS NULL OR a.revoked_at >= %(next)s)),
              (SELECT t.meeting FROM targets_target t WHERE t.area_id = %(county)s AND t.year = %(year)s)
            """.replace("{column}", column),
            {"county": county, "year": year, "next": nxt},
        )
        registered, participating, meeting, target = cur.fetchone()
    share = Decimal(meeting * 100) / registered
    part = Decimal(participating * 100) / registered
    target = Decimal(str(target))
    state = "met" if share >= target else ("on_track" if part >= target else "behind")
    return {
        "registered": registered,
        "participating": participating,
        "meeting": meeting,
        "share": share,
        "state": state,
        "target": target,
    }


@pytest.fixture
def targets(world, users):
    # 徐汇: 2 of 5 meet (40 %), 3 of 5 participate (60 %): target 70 -> behind.
    services.target_set(
        user=users["shanghai"], area=region("310104"), year=YEAR, participation="", meeting="70"
    )
    # 黄浦: 3 of 4 meet (75 %): target 60 -> met.
    services.target_set(
        user=users["shanghai"], area=region("310101"), year=YEAR, participation="", meeting="60"
    )
    # Shanghai: 5 of 9 meet (55.6 %), 8 of 9 participate: target 60 -> on track.
    services.target_set(user=users["ministry"], area=region("31"), year=YEAR, participation="", meeting="60")


def test_selector_matches_sql(targets):
    rows = {r["code"]: r for r in selectors.progress_rows(year=YEAR, parent=region("31"))}
    for county in (XUHUI, HUANGPU):
        expected = sql_actual(county, YEAR)
        row = rows[county]
        assert (row["registered"], row["participating"], row["meeting"]) == (
            expected["registered"],
            expected["participating"],
            expected["meeting"],
        )
        assert abs(row["share_pct"] - expected["share"]) < Decimal("0.01")
        assert row["state"] == expected["state"]
    assert rows[XUHUI]["state"] == "behind" and rows[HUANGPU]["state"] == "met"
    # Districts without a target have no state; all 16 are listed.
    assert len(rows) == 16 and rows["310105000000"]["state"] is None
    national = {r["code"]: r for r in selectors.progress_rows(year=YEAR, parent=None)}
    assert national[SHANGHAI]["meeting"] == 5 and national[SHANGHAI]["state"] == "on_track"
    assert len(national) == 32


def test_progress_reads_no_response(targets, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        selectors.progress_rows(year=YEAR, parent=region("31"))


def shown(expected: dict) -> tuple[str, str, str]:
    """How a page writes an area's actual, target and state class (from the direct SQL count)."""
    share = f"{expected['share'].quantize(Decimal('0.1'))}&nbsp;%"
    target = f"{expected['target'].normalize():f}&nbsp;%"
    return share, target, "tgt-" + expected["state"].replace("_", "-")


def test_dashboard_shows_a_district_below_its_target(targets, client, users):
    client.force_login(users["shanghai"])
    body = client.get(reverse("home")).content.decode()
    assert 'data-testid="home-targets"' in body
    row = body.split(f'data-code="{XUHUI}"')[1].split("</tr>")[0]
    assert shown(sql_actual(XUHUI, YEAR)) == ("40.0&nbsp;%", "70&nbsp;%", "tgt-behind")
    assert all(part in row for part in shown(sql_actual(XUHUI, YEAR)))
    page = client.get(reverse("targets:year", kwargs={"year": YEAR})).content.decode()
    for code in (XUHUI, HUANGPU):
        row = page.split(f'data-code="{code}"')[1].split("</tr>")[0]
        assert all(part in row for part in shown(sql_actual(code, YEAR)))
    assert "tgt-met" in page.split(f'data-code="{HUANGPU}"')[1].split("</tr>")[0]


def _meeting_column(header: list[str]) -> int:
    return header.index("累计达到创建要求")


def test_figures_exports_carry_the_targets(targets, client, users):
    """The drill-down's export and the national table's gain the target, the state and the late
    mark beside the figures: equal to the direct SQL count."""
    client.force_login(users["shanghai"])
    url = reverse("reports:figures_region_export", kwargs={"year": YEAR, "code": SHANGHAI, "fmt": "csv"})
    response = client.get(url)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    column = {name: i for i, name in enumerate(header)}
    column["达到创建要求"] = _meeting_column(header)
    by_code = {r[0]: r for r in rows}
    labels = {"behind": "落后", "on_track": "按计划推进", "met": "达到"}
    for code in (XUHUI, HUANGPU):
        expected = sql_actual(code, YEAR)
        row = by_code[code]
        assert int(row[column["达到创建要求"]]) == expected["meeting"]
        assert Decimal(row[column["达到创建要求比例目标（%）"]]) == expected["target"]
        assert row[column["状态"]] == labels[expected["state"]]
    assert all(len(r) == len(header) for r in rows)
    # Shanghai's own row: the ministry's target for it.
    assert (
        by_code[SHANGHAI][column["状态"]] == labels[sql_actual(SHANGHAI, YEAR, column="province_id")["state"]]
    )
    client.force_login(users["ministry"])
    url = reverse("reports:figures_national_export", kwargs={"year": YEAR, "fmt": "csv"})
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text)))
    column = {name: i for i, name in enumerate(header)}
    column["达到创建要求"] = _meeting_column(header)
    shanghai = next(r for r in rows if r[1] == SHANGHAI)
    expected = sql_actual(SHANGHAI, YEAR, column="province_id")
    assert int(shanghai[column["达到创建要求"]]) == expected["meeting"]
    assert Decimal(shanghai[column["达到创建要求比例目标（%）"]]) == expected["target"]
    assert shanghai[column["状态"]] == labels[expected["state"]] == "按计划推进"


def test_the_district_sees_its_own_target(targets, client, users):
    client.force_login(users["xuhui"])
    body = client.get(reverse("targets:year", kwargs={"year": YEAR})).content.decode()
    assert (
        'data-testid="own-target"' in body
        and "40.0 %" in body.replace("&nbsp;", " ")
        and "tgt-behind" in body
    )
    assert 'data-testid="child-targets"' not in body


def test_export_matches_sql(targets, client, users):
    client.force_login(users["shanghai"])
    response = client.get(reverse("targets:export", kwargs={"year": YEAR, "fmt": "csv"}))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(text))}
    expected = sql_actual(XUHUI, YEAR)
    assert int(rows[XUHUI][2]) == expected["registered"] and int(rows[XUHUI][4]) == expected["meeting"]
    assert Decimal(rows[XUHUI][6]) == expected["share"].quantize(Decimal("0.01"))
    assert Decimal(rows[XUHUI][8]) == Decimal("70.00")


def test_api_matches_sql(targets, api, users, django_assert_max_num_queries):
    client = api(users["shanghai"])
    data = client.get(f"/api/v1/targets/progress/{YEAR}/{SHANGHAI}/").json()
    children = {r["code"]: r for r in data["children"]}
    expected = sql_actual(XUHUI, YEAR)
    assert children[XUHUI]["meeting"] == expected["meeting"]
    assert children[XUHUI]["state"] == expected["state"] == "behind"
    assert Decimal(children[XUHUI]["target_meeting"]) == expected["target"]
    assert data["area"]["meeting"] == 5
    listed = client.get("/api/v1/targets/", {"year": YEAR}).json()
    assert {t["area"] for t in listed["results"]} == {SHANGHAI, XUHUI, HUANGPU}
    # 徐汇 reads its own target and Shanghai's, not 黄浦's.
    own = api(users["xuhui"]).get("/api/v1/targets/", {"year": YEAR}).json()
    assert {t["area"] for t in own["results"]} == {SHANGHAI, XUHUI}
    assert api(users["beijing"]).get(f"/api/v1/targets/progress/{YEAR}/{XUHUI}/").status_code == 404
    assert api(users["ministry"]).get(f"/api/v1/targets/progress/{YEAR}/").status_code == 200
    assert api(users["shanghai"]).get(f"/api/v1/targets/progress/{YEAR}/").status_code == 404


def test_creation_list_figures_match_sql(world, users, client):
    xuhui = world["xuhui"]
    services.creation_list_add(user=users["xuhui"], year=YEAR, codes=[c.code for c in xuhui[:4]])
    with connection.cursor() as cur:
        cur.execute(
            """SELECT count(*),
                 count(*) FILTER (WHERE EXISTS (SELECT 1 FROM assessments_assessment a
                    WHERE a.community_id = l.community_id AND a.year = %s AND a.state <> 'draft')),
                 count(*) FILTER (WHERE EXISTS (SELECT 1 FROM assessments_assessment a
                    WHERE a.community_id = l.community_id AND a.approved_at IS NOT NULL AND a.revoked_at IS NULL))
               FROM targets_creationlistentry l WHERE l.year = %s AND l.area_id = %s"""
            if connection.vendor == "postgresql"
            else """SELECT count(*),
                 sum(EXISTS (SELECT 1 FROM assessments_assessment a
                    WHERE a.community_id = l.community_id AND a.year = %s AND a.state <> 'draft')),
                 sum(EXISTS (SELECT 1 FROM assessments_assessment a
                    WHERE a.community_id = l.community_id AND a.approved_at IS NOT NULL AND a.revoked_at IS NULL))
               FROM targets_creationlistentry l WHERE l.year = %s AND l.area_id = %s""",
            [YEAR, YEAR, XUHUI],
        )
        planned, participated, meeting = cur.fetchone()
    figures = selectors.creation_list_figures(year=YEAR, area=region("310104"))
    assert (
        (figures["planned"], figures["participated"], figures["meeting"])
        == (planned, participated, meeting)
        == (4, 2, 2)
    )
    client.force_login(users["xuhui"])
    body = client.get(reverse("targets:list", kwargs={"year": YEAR})).content.decode()
    assert "计划 4 个 · 已参与 2 个 · 达到创建要求 2 个" in body
    # The community's home says it is on the list.
    committee = UserFactory(username="t-committee", role="community", community=xuhui[0])
    client.force_login(committee)
    assert 'data-testid="home-creation-list"' in client.get(reverse("home")).content.decode()
    other = UserFactory(username="t-committee5", role="community", community=xuhui[4])
    client.force_login(other)
    assert 'data-testid="home-creation-list"' not in client.get(reverse("home")).content.decode()


def test_creation_list_refuses_outside_codes_and_keeps_nothing(world, users, client):
    beijing = CommunityFactory(street=region("110101001"), code="110101001009")
    huangpu = world["huangpu"][0]
    client.force_login(users["xuhui"])
    url = reverse("targets:list", kwargs={"year": YEAR})
    typed = f"{world['xuhui'][0].code}\n{beijing.code}\n{huangpu.code}"
    page = client.post(url, {"codes": typed})
    body = page.content.decode()
    assert page.status_code == 200 and beijing.code in body and huangpu.code in body
    assert selectors.creation_list_figures(year=YEAR, area=region("310104"))["planned"] == 0
    # Picked in the registry: fine; full-width digits in typed codes are read too.
    fullwidth = world["xuhui"][1].code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert client.post(url, {"pick": [world["xuhui"][0].code], "codes": fullwidth}).status_code == 302
    assert selectors.creation_list_figures(year=YEAR, area=region("310104"))["planned"] == 2
    # The province keeps no list; the other district cannot remove 徐汇's entries.
    client.force_login(users["shanghai"])
    assert client.get(url).status_code == 403
    client.force_login(users["huangpu"])
    remove = reverse("targets:list_remove", kwargs={"year": YEAR, "code": world["xuhui"][0].code})
    assert client.post(remove).status_code == 404
    assert selectors.creation_list_figures(year=YEAR, area=region("310104"))["planned"] == 2


def test_national_dashboard_drill_down_report_and_pdf_show_the_targets(targets, client, users):
    from apps.reports import services as report_services
    from apps.reports.pdf import render_annual_report

    client.force_login(users["ministry"])
    national = client.get(reverse("reports:national", kwargs={"year": YEAR})).content.decode()
    section = national.split('data-testid="target-section"')[1].split("</section>")[0]
    row = section.split(f'data-code="{SHANGHAI}"')[1].split("</tr>")[0]
    expected = shown(sql_actual(SHANGHAI, YEAR, column="province_id"))
    assert expected == ("55.6&nbsp;%", "60&nbsp;%", "tgt-on-track") and all(p in row for p in expected)
    client.force_login(users["shanghai"])
    drill = client.get(
        reverse("reports:figures_region", kwargs={"year": YEAR, "code": SHANGHAI})
    ).content.decode()
    section = drill.split('data-testid="target-section"')[1]
    for code in (XUHUI, HUANGPU):
        row = section.split(f'data-code="{code}"')[1].split("</tr>")[0]
        assert all(part in row for part in shown(sql_actual(code, YEAR)))
    report = report_services.annual_report_compile(province_code=SHANGHAI, year=YEAR, user=users["shanghai"])
    detail = client.get(reverse("reports:detail", kwargs={"pk": report.pk})).content.decode()
    section = detail.split('data-testid="target-section"')[1]
    row = section.split(f'data-code="{XUHUI}"')[1].split("</tr>")[0]
    assert all(part in row for part in shown(sql_actual(XUHUI, YEAR)))
    pdf = render_annual_report(report)
    text = _pdf_text(pdf)
    assert "目标完成情况" in text
    # Each district's line of the PDF's section: its share and target as counted in SQL, its state.
    section = text.split("目标完成情况")[-1]
    for code, name, state in ((XUHUI, "徐汇区", "落后"), (HUANGPU, "黄浦区", "达到")):
        expected = sql_actual(code, YEAR)
        line = next(line for line in section.splitlines() if name in line).replace(" ", "")
        assert f"{expected['share'].quantize(Decimal('0.1'))}%" in line
        assert f"{expected['target'].normalize():f}%" in line and state in line


def _pdf_text(pdf: bytes) -> str:
    import subprocess

    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


def test_the_bulletin_ranks_the_districts_and_is_published_to_them(targets, client, users):
    from apps.notices.models import Notice

    client.force_login(users["shanghai"])
    response = client.get(reverse("targets:bulletin", kwargs={"year": YEAR}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content)
    assert "第1页共2页" in text.replace(" ", "")
    lines = [line for line in text.splitlines() if "黄浦区" in line or "徐汇区" in line]
    # 黄浦区 (75 %, met) ranks before 徐汇区 (40 %, behind): shares and targets as counted in SQL.
    assert "黄浦区" in lines[0] and "达到" in lines[0]
    assert "徐汇区" in lines[1] and "落后" in lines[1] and "70%" in lines[1]
    for line, code in zip(lines, (HUANGPU, XUHUI), strict=True):
        expected = sql_actual(code, YEAR)
        assert f"{expected['share'].quantize(Decimal('0.1'))}%" in line
        assert f" {expected['meeting']} " in line
    assert client.post(reverse("targets:bulletin_publish", kwargs={"year": YEAR})).status_code == 302
    notice = Notice.objects.get(recipient=users["xuhui"])
    assert "排第 2 名" in notice.text and "落后" in notice.text
    assert notice.url == reverse("targets:area", kwargs={"year": YEAR, "code": XUHUI})
    client.force_login(users["xuhui"])
    assert client.get(reverse("targets:bulletin", kwargs={"year": YEAR})).status_code == 403


def test_lists_do_not_grow_with_rows(targets, world, users, api, client, django_assert_max_num_queries):
    from apps.targets.services import target_set

    for code in ("310105", "310106", "310107", "310109", "310110"):
        target_set(user=users["shanghai"], area=region(code), year=YEAR, participation="", meeting="50")
    services.creation_list_add(user=users["xuhui"], year=YEAR, codes=[c.code for c in world["xuhui"]])
    client_api = api(users["shanghai"])
    with django_assert_max_num_queries(8):
        assert len(client_api.get("/api/v1/targets/", {"year": YEAR}).json()["results"]) == 8
    client.force_login(users["xuhui"])
    with django_assert_max_num_queries(16):
        body = client.get(reverse("targets:list", kwargs={"year": YEAR})).content.decode()
    assert body.count('<tr data-code="3101040030') == 5
    client.force_login(users["shanghai"])
    with django_assert_max_num_queries(16):
        client.get(reverse("targets:year", kwargs={"year": YEAR}))


def test_a_creation_list_imported_from_a_file_of_codes(world, users, client):
    """Codes in the first column of an XLSX (a header row, full-width digits read): all added."""
    import io as _io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["社区代码"])
    sheet.append([world["xuhui"][0].code])
    sheet.append([world["xuhui"][1].code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))])
    buf = _io.BytesIO()
    book.save(buf)
    client.force_login(users["xuhui"])
    url = reverse("targets:list", kwargs={"year": YEAR})
    response = client.post(url, {"codes": "", "file": SimpleUploadedFile("codes.xlsx", buf.getvalue())})
    assert response.status_code == 302
    assert selectors.creation_list_figures(year=YEAR, area=region("310104"))["planned"] == 2


def test_the_ministrys_bulletin_says_whether_each_units_report_came_on_time(targets, client, users):
    from apps.core import campaign
    from apps.reports import presenters
    from apps.reports import selectors as report_figures

    client.force_login(users["ministry"])
    response = client.get(reverse("targets:bulletin", kwargs={"year": YEAR}))
    text = _pdf_text(response.content)
    assert "年度报告" in text
    status = next(
        r for r in report_figures.report_status(year=YEAR, today=campaign.today()) if r["code"] == SHANGHAI
    )
    from django.utils import translation

    with translation.override("zh-hans"):
        label = str(presenters.STATUS_LABELS[status["status"]])
    line = next(line for line in text.splitlines() if "上海市" in line and "%" in line)
    assert label in line.replace(" ", "") and "按计划推进" in line
