"""Meeting the requirements counts named communities (as of the naming), never proposed or in-公示
ones; the figures equal a direct count."""

import datetime as dt

import pytest
from django.db import connection

from apps.naming import naming_act, objections, selectors
from apps.reports.figures import asof, compute, live

from .conftest import SHANGHAI

pytestmark = pytest.mark.django_db


def named_count_sql(year: int) -> int:
    """Communities of Shanghai named by a batch (or approved, without a procedure) by the end of
    `year` and not revoked: straight SQL over the tables."""
    end = asof.year_start(year + 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT a.community_id) FROM assessments_assessment a "
            "WHERE a.province_id = %s AND a.state IN ('approved', 'revoked') AND a.approved_at < %s "
            "AND (a.revoked_at IS NULL OR a.revoked_at >= %s)",
            [SHANGHAI, end, end],
        )
        return cursor.fetchone()[0]


def test_in_notice_communities_do_not_meet_the_requirements_named_ones_do(
    published, proposed_many, province_user, today
):
    objections.objection_submit(
        batch=published, assessment_id=proposed_many[0].pk, text="异议", name="张三", phone="13812345678"
    )
    before = compute.unit_figures_compute(year=2026, province_code=SHANGHAI)["totals"]
    assert before["meeting"] == 0 and before["approved"] == 0 and before["submitted"] == 5
    counts = selectors.naming_counts(year=2026, province_id=SHANGHAI)
    assert counts == {"proposed": 5, "in_notice": 4, "held": 1, "named": 0}

    today.set(published.notice_end + dt.timedelta(days=1))
    naming_act.batch_name(
        user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
    )
    after = compute.unit_figures_compute(year=2026, province_code=SHANGHAI)["totals"]
    assert after["meeting"] == named_count_sql(2026) == 4
    assert after["approved"] == 4
    assert selectors.naming_counts(year=2026, province_id=SHANGHAI) == {
        "proposed": 1,
        "in_notice": 0,
        "held": 0,
        "named": 4,
    }
    nation, _as_of = live.national_figures_live(year=2026)
    assert nation["totals"]["meeting"] == named_count_sql(2026)


def test_dashboards_show_the_stages_beside_meeting_the_requirements(
    client_for, ministry_user, published, settings
):
    settings.CAMPAIGN_YEAR = 2026
    html = client_for(ministry_user).get("/reports/national/2026/").content.decode()
    assert 'data-testid="naming-stages"' in html and 'data-stage="in_notice">5<' in html


def stage_counts_sql(year: int, where: str = "", params=()) -> dict[str, int]:
    """Proposed, in-公示 and held assessments of `year` straight from the tables."""

    def one(extra: str) -> int:
        with connection.cursor() as cursor:
            sql = f"SELECT COUNT(*) FROM assessments_assessment a WHERE a.year = %s AND a.state = 'proposed' {where} {extra}"  # noqa: S608, E501
            cursor.execute(sql, [year, *params])
            return cursor.fetchone()[0]

    def in_batch(entry_state: str) -> str:
        joined = "naming_batchentry e JOIN naming_batch b ON b.id = e.batch_id"
        return f"AND EXISTS (SELECT 1 FROM {joined} WHERE e.assessment_id = a.id AND e.state = '{entry_state}' AND b.state = 'published')"  # noqa: S608, E501

    return {"proposed": one(""), "in_notice": one(in_batch("listed")), "held": one(in_batch("held"))}


def test_reports_pdfs_and_exports_show_the_stages_beside_meeting_the_requirements(
    client_for, ministry_user, province_user, published, proposed_many, settings, tmp_path
):
    """Issue 22, figures: the provincial annual report (page and PDF), the national progress PDF
    and the CSV/XLSX exports of the national and provincial tables carry the proposed, in-公示 and
    held counts, equal to a direct count."""
    import csv
    import io
    import re
    import subprocess

    from openpyxl import load_workbook

    from apps.reports import services as report_services
    from apps.reports.figures import store

    settings.CAMPAIGN_YEAR = 2026
    objections.objection_submit(
        batch=published, assessment_id=proposed_many[0].pk, text="异议", name="张三", phone="13812345678"
    )
    sql = stage_counts_sql(2026, "AND a.province_id = %s", [SHANGHAI])
    assert sql == {"proposed": 5, "in_notice": 4, "held": 1}

    # The provincial annual report: page and PDF.
    report = report_services.annual_report_compile(province_code=SHANGHAI, year=2026)
    html = client_for(province_user).get(f"/reports/{report.pk}/").content.decode()
    assert f'data-testid="total-proposed">{sql["proposed"]}<' in html
    assert f'data-testid="total-in-notice">{sql["in_notice"]}<' in html
    assert f'data-testid="total-held">{sql["held"]}<' in html
    report = report_services.annual_report_render_pdf(report_id=report.pk)

    def pdf_text(path) -> str:
        out = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        )  # noqa: S603, S607
        return re.sub(r"\s+", " ", out.stdout)

    for flat in (pdf_text(report.pdf.path),):
        assert f"拟认定 {sql['proposed']}" in flat
        assert f"公示中 {sql['in_notice']}" in flat
        assert f"暂缓（异议待处理） {sql['held']}" in flat

    # The national progress PDF (the nation: only Shanghai has a batch here).
    nation = stage_counts_sql(2026)
    store.national_snapshot_compile(year=2026)
    snapshot = report_services.national_render_pdf(year=2026)
    flat = pdf_text(snapshot.pdf.path)
    assert f"拟认定 {nation['proposed']}" in flat
    assert f"公示中 {nation['in_notice']}" in flat
    assert f"暂缓（异议待处理） {nation['held']}" in flat

    def csv_rows(url):
        response = client_for(ministry_user).get(url)
        assert response.status_code == 200
        return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    def xlsx_rows(url):
        response = client_for(ministry_user).get(url)
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]

    labels = {"proposed": "拟认定", "in_notice": "公示中", "held": "暂缓（异议待处理）"}
    # The national table: Shanghai's row and the nation's.
    for rows in (
        csv_rows("/reports/figures/2026/export.csv"),
        xlsx_rows("/reports/figures/2026/export.xlsx"),
    ):
        header = rows[0]
        shanghai_row = next(r for r in rows if SHANGHAI in r)
        for key, label in labels.items():
            assert int(shanghai_row[header.index(label)]) == sql[key], key
            assert int(rows[-1][header.index(label)]) == nation[key], key
    # Shanghai's table: its own row, then each district (徐汇区 holds the batch).
    for rows in (
        csv_rows(f"/reports/figures/2026/{SHANGHAI}/export.csv"),
        xlsx_rows(f"/reports/figures/2026/{SHANGHAI}/export.xlsx"),
    ):
        header = rows[0]
        for key, label in labels.items():
            assert int(rows[1][header.index(label)]) == sql[key], key
        for row in rows[2:]:
            district = stage_counts_sql(2026, "AND a.county_id = %s", [row[0]])
            for key, label in labels.items():
                assert int(row[header.index(label)]) == district[key], (row[0], key)
        assert any(int(r[header.index("公示中")]) == 4 for r in rows[2:])
