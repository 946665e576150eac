"""PDFs: Chinese headings and figures in the extracted text, CJK font embedded."""

import subprocess

import pytest

from apps.reports import services

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
    snapshot = services.national_snapshot_compile(year=2025)
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
