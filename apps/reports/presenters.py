"""Turning figures into what pages, exports and PDFs display (labels, chart items). No queries."""

import re

from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import charts
from .models import NARRATIVE_FIELDS, AnnualReport

STATUS_LABELS = {
    "on_time": _("Submitted on time"),
    "late": _("Submitted late"),
    "not_yet": _("Not yet submitted"),
    "missing": _("Missing (late)"),
}

FIGURE_LABELS = {
    "registered": _("Registered"),
    "participating": _("Participating"),
    "not_participating": _("Not participating"),
    "submitted": _("Submitted (with reviewers or decided)"),
    "approved": _("Approved (not revoked)"),
    "revoked": _("Revoked"),
    "returned": _("Returned to the community"),
    "meeting": _("Meeting the requirements (cumulative)"),
    "demonstrations": _("Demonstration communities"),
    "share": _("Share meeting the requirements"),
    "participation": _("Participation"),
}

# "Waiting at the … review": one per level of a review chain.
LEVEL_LABELS = {
    "street": _("Waiting for the street office review"),
    "county": _("Waiting for the county review"),
    "city": _("Waiting for the city review"),
    "province": _("Waiting for the provincial review"),
}
LEVEL_SHORT = {
    "street": _("At the street office"),
    "county": _("At the county"),
    "city": _("At the city"),
    "province": _("At the province"),
}
DEFAULT_LEVELS = ("county", "province")  # the national default chain, shown when nothing waits


def figure_label(key: str) -> str:
    if key.startswith("waiting_"):
        return str(LEVEL_LABELS.get(key.removeprefix("waiting_"), key))
    return str(FIGURE_LABELS.get(key, key))


def waiting_levels(rows: list[dict]) -> list[str]:
    """The review levels to show as columns: those where something waits, else the default chain."""
    from .selectors import REVIEW_LEVELS

    levels = [lvl for lvl in REVIEW_LEVELS if any((r.get("waiting") or {}).get(lvl) for r in rows)]
    return levels or list(DEFAULT_LEVELS)


def share_items(rows: list[dict]) -> list[tuple[str, float | None]]:
    return [(r.get("name") or r.get("code") or "—", r.get("share")) for r in rows]


def criteria_chart(figures: dict, *, width: int = 640):
    return charts.pair_chart(
        [(f"{c['number']}", c["met_share"], c["confirmed_share"]) for c in figures.get("criteria", [])],
        legend=(str(_("Rated met by communities")), str(_("Confirmed by reviewers"))),
        width=width,
    )


def trend_chart(points: list[dict], *, target: float, target_year: int, width: int = 640):
    return charts.line_chart(
        [(str(p["year"]), p["share"]) for p in points],
        target=target,
        target_at=str(target_year),
        target_label=gettext("Target %(year)s: %(share)s")
        % {"year": target_year, "share": f"{target * 100:.0f}%"},
        width=width,
        label=gettext("Share meeting the requirements at the end of each year"),
    )


def tile_map(units: list[dict], *, href=None):
    return charts.tile_map(
        units,
        href=href,
        legend=[
            (gettext("under 20%"), charts.SHARE_COLOURS[0][1]),
            ("20–40%", charts.SHARE_COLOURS[1][1]),
            ("40–60%", charts.SHARE_COLOURS[2][1]),
            (gettext("60% and more"), charts.SHARE_COLOURS[3][1]),
        ],
        no_registry_label=gettext("Registry not imported"),
        label=gettext("Share meeting the requirements by provincial unit"),
    )


def narrative(report: AnnualReport) -> list[tuple[str, str]]:
    return [(AnnualReport._meta.get_field(n).verbose_name, getattr(report, n)) for n in NARRATIVE_FIELDS]


def status_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "label": STATUS_LABELS.get(r["status"], r["status"])} for r in rows]


def change_rows(rows: list[dict]) -> list[dict]:
    return [{**r, "label": figure_label(r["key"])} for r in rows]


def issuing_unit(province_name: str | None) -> str:
    """The issuing unit printed on a report: the provincial housing department of the unit, or the
    ministry for the national report."""
    if not province_name:
        return gettext("Ministry of Housing and Urban-Rural Development")
    return gettext("%(unit)s housing and urban-rural development department") % {"unit": province_name}


def long_date(value) -> str:
    """A date as an official document writes it (2026年11月30日)."""
    return date_format(value, "DATE_FORMAT") if value else ""


def page_counter_css() -> str:
    """The page footer "第 N 页 共 M 页" as CSS content, from the translated "Page %(page)s of
    %(pages)s" (so the PDF's numbering reads in the report's language)."""
    text = gettext("Page %(page)s of %(pages)s")
    out = []
    for part in re.split(r"(%\(page\)s|%\(pages\)s)", text):
        if part == "%(page)s":
            out.append("counter(page)")
        elif part == "%(pages)s":
            out.append("counter(pages)")
        elif part:
            out.append('"' + part.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return " ".join(out)
