"""PDF rendering with WeasyPrint from the stored snapshots (never from live data), so a PDF can be
reproduced exactly. Fonts: Noto Sans CJK SC (fonts-noto-cjk), embedded as a subset by WeasyPrint."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation

from . import charts, presenters

CSS_PATH = Path(__file__).parent / "templates" / "reports" / "pdf" / "report.css"


def _render(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override("zh-hans"):
        html = render_to_string(template, context)
    return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
        stylesheets=[CSS(filename=str(CSS_PATH))]
    )


def render_annual_report(report) -> bytes:
    figures = report.figures
    context = {
        "report": report,
        "f": figures,
        "t": figures.get("totals", {}),
        "generated": timezone.localtime(report.compiled_at),
        "city_chart": charts.bar_chart(
            presenters.share_items(figures.get("cities", [])), target=figures.get("target"), width=620
        ),
        "criteria_chart": presenters.criteria_chart(figures, width=620),
        "criteria_rows": presenters.criteria_rows(figures),
        "score_chart": presenters.score_chart(figures, width=620),
        "narrative": presenters.narrative(report),
    }
    return _render("reports/pdf/annual.html", context)


def render_national(snapshot) -> bytes:
    figures = snapshot.figures
    context = {
        "snapshot": snapshot,
        "f": figures,
        "t": figures.get("totals", {}),
        "generated": timezone.localtime(snapshot.compiled_at),
        "unit_chart": charts.bar_chart(
            presenters.share_items(figures.get("units", [])),
            target=figures.get("target"),
            width=620,
            bar_height=12,
            gap=4,
        ),
        "criteria_chart": presenters.criteria_chart(figures, width=620),
        "criteria_rows": presenters.criteria_rows(figures),
        "status": presenters.status_rows(figures.get("report_status", [])),
    }
    return _render("reports/pdf/national.html", context)
