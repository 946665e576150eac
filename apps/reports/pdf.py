"""PDF rendering with WeasyPrint from the stored snapshots (never from live data), so a PDF can be
reproduced exactly. Fonts: Noto Sans CJK SC (fonts-noto-cjk), embedded as a subset by WeasyPrint.

An official report (报告) carries its issuing unit and date (on the cover and at the end) and page
numbers "第 N 页 共 M 页"; a municipality's report has one section of districts (it has districts,
not cities), never the same list twice."""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core.campaign import target_share
from apps.core.pdf import fewer_collections, long_date, page_counter_css

from . import charts, presenters

CSS_PATH = Path(__file__).parent / "templates" / "reports" / "pdf" / "report.css"
NUMERALS = "一二三四五六七八九十"


def _render(template: str, context: dict) -> bytes:
    from weasyprint import CSS, HTML

    with translation.override("zh-hans"):
        html = render_to_string(template, {**context, **_common(context)})
    with fewer_collections():
        return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
            stylesheets=[CSS(filename=str(CSS_PATH))]
        )


def _common(context: dict) -> dict:
    """What every report prints, in the report's language (rendered under zh-hans)."""
    sections = [
        (key, _ordinal(i) + str(title)) for i, (key, title) in enumerate(context["sections"], start=1)
    ]
    return {
        "sections": sections,
        "page_counter": page_counter_css(),
        "issued_on": long_date(context["issued_date"]),
        "levels": presenters.waiting_levels(context["f"]),
    }


def _ordinal(n: int) -> str:
    if (translation.get_language() or "").startswith("zh") and n <= len(NUMERALS):
        return NUMERALS[n - 1] + "、"
    return f"{n}. "


def _annual_sections(figures: dict) -> list[tuple[str, str]]:
    sections = [("overview", _("Overview"))]
    if figures.get("has_cities", True):
        sections += [("cities", _("By city")), ("counties", _("By county"))]
    else:
        sections += [("counties", _("By district"))]
    return [
        *sections,
        ("criteria", _("Per national criterion")),
        ("narrative", _("Summary of the work")),
        ("lists", _("Approved and demonstration communities")),
    ]


def render_annual_report(report) -> bytes:
    figures = report.figures
    has_cities = figures.get("has_cities", True)
    areas = figures.get("cities", []) if has_cities else figures.get("counties", [])
    with translation.override("zh-hans"):
        context = {
            "report": report,
            "f": figures,
            "t": figures.get("totals", {}),
            "generated": timezone.localtime(report.compiled_at),
            "issued_date": timezone.localtime(report.submitted_at).date()
            if report.submitted_at
            else timezone.localtime(report.compiled_at).date(),
            "draft": report.state != "submitted",
            "issuer": presenters.issuing_unit(
                figures.get("province", {}).get("name") or report.province.name
            ),
            "county_title": _("County") if has_cities else _("District"),
            "sections": _annual_sections(figures),
            "city_chart": charts.bar_chart(
                presenters.share_items(areas), target=figures.get("target"), width=620
            ),
            "criteria_chart": presenters.criteria_chart(figures, width=620),
            "criteria_rows": presenters.criteria_rows(figures),
            "score_chart": presenters.score_chart(figures, width=620),
            "narrative": presenters.narrative(report),
        }
    return _render("reports/pdf/annual.html", context)


def render_national(snapshot) -> bytes:
    from apps.core.campaign import NATIONAL_TARGET_YEAR

    from .figures import compose

    figures = snapshot.figures
    with translation.override("zh-hans"):
        trend = figures.get("trend") or compose.national_trend(until=figures.get("year"), current=figures)
        context = {
            "snapshot": snapshot,
            "f": figures,
            "t": figures.get("totals", {}),
            "generated": timezone.localtime(snapshot.compiled_at),
            "issued_date": timezone.localtime(snapshot.compiled_at).date(),
            "issuer": presenters.issuing_unit(None),
            "sections": [
                ("overview", _("Summary")),
                ("units", _("Provincial units ranked")),
                ("criteria", _("Per national criterion")),
                ("standards", _("Local standards")),
                ("status", _("Report submission status")),
            ],
            "trend": trend,
            "trend_chart": presenters.trend_chart(
                trend,
                target=figures.get("target", target_share()),
                target_year=figures.get("target_year", NATIONAL_TARGET_YEAR),
                width=620,
            ),
            "tile_map": presenters.tile_map(figures.get("units", [])),
            "unit_chart": charts.bar_chart(
                presenters.share_items(
                    [u for u in figures.get("units", []) if u.get("registry_imported", True)]
                ),
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
