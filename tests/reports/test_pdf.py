"""PDFs: Chinese headings and figures in the extracted text, CJK font embedded."""

import datetime as dt
import re
import subprocess

import pytest
from django.utils import timezone

from apps.reports import services
from apps.reports.figures import store

pytestmark = pytest.mark.django_db


def _text_and_fonts(path):
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return text, fonts


def test_annual_report_pdf(small_world):
    report = services.annual_report_compile(province_code="310000000000", year=2025)
    report.mechanism = "建立了市、区、街道三级联动的工作机制。"
    report.save(update_fields=["mechanism"])
    report = services.annual_report_render_pdf(report_id=report.pk)
    assert report.pdf_is_current
    text, fonts = _text_and_fonts(report.pdf.path)
    for expected in ("上海市", "总结评估报告", "目录", "概况", "徐汇区", "50.0%", "三级联动", "示范社区"):
        assert expected in text, expected
    assert "Noto-Sans-CJK-SC" in fonts
    for line in fonts.splitlines()[2:]:
        assert line.split()[-5] == "yes", line  # every font embedded
    first_pdf = report.pdf.name
    again = services.annual_report_render_pdf(report_id=report.pk)
    assert again.pdf.name == first_pdf  # current: not rendered twice


def test_national_pdf(small_world):
    snapshot = store.national_snapshot_compile(year=2025)
    snapshot = services.national_render_pdf(year=2025)
    text, fonts = _text_and_fonts(snapshot.pdf.path)
    for expected in (
        "全国",
        "北京市",
        "新疆生产建设兵团",
        "57.1%",
        "报告报送情况",
        "逾期提交自评（10月31日后首次提交）",
    ):
        assert expected in text, expected
    assert "Noto-Sans-CJK-SC" in fonts


def test_narrative_edit_makes_the_pdf_stale(small_world, province_user):
    report = services.annual_report_compile(province_code="310000000000", year=2025)
    report = services.annual_report_render_pdf(report_id=report.pk)
    assert report.pdf_is_current
    report = services.annual_report_update_narrative(
        report=report, user=province_user, data={"plans": "新计划"}
    )
    assert not report.pdf_is_current
    report = services.annual_report_render_pdf(report_id=report.pk)
    assert report.pdf_is_current
    text = subprocess.run(
        ["pdftotext", report.pdf.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "新计划" in text


def _status_line(text: str, unit: str) -> str:
    """The unit's row in the report status table (the last section of the national PDF)."""
    return next(line for line in reversed(text.splitlines()) if line.strip().startswith(unit))


def test_national_pdf_shows_the_report_status_when_downloaded(
    small_world, client, province_user, ministry_user, django_capture_on_commit_callbacks
):
    """The national PDF rendered before Shanghai submitted its 2025 report said 逾期未报送; downloaded
    after the (late) submission it says 逾期报送, as the dashboard does, and its "数据截至" is the
    time of that change, not of the older PDF."""
    from django.urls import reverse

    from apps.reports.models import NationalSnapshot

    store.national_snapshot_compile(year=2025)
    before = services.national_render_pdf(year=2025)
    old_text, _fonts = _text_and_fonts(before.pdf.path)
    assert "逾期未报送" in _status_line(old_text, "上海市")
    old_as_of = before.compiled_at
    report = services.annual_report_compile(province_code="310000000000", year=2025)
    for name in ("mechanism", "measures", "support", "problems", "plans"):
        setattr(report, name, "已填写。")
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.annual_report_submit(report=report, user=province_user, today=dt.date(2025, 12, 3))
    client.force_login(ministry_user)
    dashboard = client.get(reverse("reports:national", args=[2025])).content.decode()
    assert "逾期报送" in dashboard
    response = client.get(reverse("reports:national_pdf", args=[2025]))
    assert response["Content-Type"] == "application/pdf"
    snapshot = NationalSnapshot.objects.get(year=2025)
    assert snapshot.pdf_is_current and snapshot.compiled_at > old_as_of
    text, _fonts = _text_and_fonts(snapshot.pdf.path)
    line = _status_line(text, "上海市")
    assert "逾期报送" in line and "逾期未报送" not in line
    as_of = timezone.localtime(snapshot.compiled_at).strftime("%Y-%m-%d %H:%M")
    assert f"数据截至 {as_of}" in re.sub(r"\s+", " ", text)


def test_provincial_pdf_is_never_older_than_its_figures(small_world, client, province_user):
    """A change written behind the services' backs (no refresh after it): the provincial PDF
    downloaded next counts it, as a recount does."""
    from django.urls import reverse

    from apps.assessments.models import Assessment
    from apps.reports.figures.compute import unit_figures_compute

    report = services.annual_report_compile(province_code="310000000000", year=2025)
    services.annual_report_render_pdf(report_id=report.pk)
    Assessment.objects.filter(community_id="310104003004", year=2025).update(
        state="approved", approved_at=dt.datetime(2025, 10, 20, 10, tzinfo=dt.UTC)
    )
    client.force_login(province_user)
    response = client.get(reverse("reports:pdf", args=[report.pk]))
    assert response["Content-Type"] == "application/pdf"
    report.refresh_from_db()
    approved = unit_figures_compute(year=2025, province_code="310000000000")["totals"]["approved"]
    assert report.figures["totals"]["approved"] == approved == 3
    text, _fonts = _text_and_fonts(report.pdf.path)
    assert f"本年度审核通过（年底前未摘牌） {approved}" in re.sub(r"\s+", " ", text)
