"""Turning figures into what pages, exports and PDFs display (labels, chart items). No queries."""

import hashlib
import json

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.review import workflow

from . import charts
from .models import NARRATIVE_FIELDS, AnnualReport

STATUS_LABELS = {
    "on_time": _("Submitted on time"),
    "late": _("Submitted late"),
    "not_yet": _("Not yet submitted"),
    "missing": _("Missing (late)"),
}


def status_count_parts(counts: dict) -> list[tuple[str, int]]:
    """The report-status counts of the national page's card, labelled, in the order shown."""
    return [
        (gettext("on time"), counts["on_time"]),
        (gettext("late"), counts["late"]),
        (gettext("not yet"), counts["not_yet"]),
        (gettext("missing (late)"), counts["missing"]),
    ]


FIGURE_LABELS = {
    "registered": _("Registered"),
    "participating": _("Participating"),
    "not_participating": _("Not participating"),
    "submitted": _("Submitted (with reviewers or decided)"),
    "approved": _("Approved (not revoked)"),
    "revoked": _("Revoked"),
    "returned": _("Returned to the community"),
    "meeting": _("Meeting the requirements (cumulative)"),
    "proposed": _("Proposed (拟认定)"),
    "in_notice": _("In public notice (公示)"),
    "held": _("Held (objection open)"),
    "demonstrations": _("Demonstration communities"),
    "share": _("Share meeting the requirements"),
    "participation": _("Participation"),
}


def figure_label(key: str) -> str:
    if key.startswith("waiting_"):
        level = key.removeprefix("waiting_")
        return str(workflow.waiting_label(level)) if level in workflow.LEVEL else key
    return str(FIGURE_LABELS.get(key, key))


def waiting_levels(figures: dict) -> list[tuple[str, str]]:
    """The review levels whose "waiting" figures a table shows, with their labels: the chain of the
    province stored with its figures (the national figures list every level; figures stored before
    chains existed have the default chain)."""
    chain = (figures or {}).get("chain") or list(workflow.DEFAULT_CHAIN)
    return [(key, str(workflow.waiting_label(key, chain))) for key in chain if key in workflow.LEVEL]


def levels_with_work(rows: list[dict]) -> list[str]:
    """The review levels where something waits in any of `rows` (drill-down tables over regions
    whose chains may differ), else the default chain."""
    levels = [key for key in workflow.LEVEL_KEYS if any((r.get("waiting") or {}).get(key) for r in rows)]
    return levels or list(workflow.DEFAULT_CHAIN)


def share_items(rows: list[dict]) -> list[tuple[str, float | None]]:
    return [(r.get("name") or r.get("code") or "—", r.get("share")) for r in rows]


def criteria_chart(figures: dict, *, width: int = 640):
    """Per national criterion: shares of the approved assessments rated met and confirmed."""
    return charts.pair_chart(
        [(f"{c['number']}", c["met_share"], c["confirmed_share"]) for c in figures.get("criteria", [])],
        legend=(str(_("Rated met (of approved)")), str(_("Confirmed (of approved)"))),
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


def criteria_rows(figures: dict) -> list[dict]:
    """The per-criterion rows with their base: the approved assessments (figures compiled before
    the mapping rule named their base "rated" and "reviewed": shown as they were stored)."""
    rows = []
    for c in figures.get("criteria", []):
        met_base = c.get("approved", c.get("rated"))
        confirmed_base = c.get("approved", c.get("reviewed"))
        rows.append({**c, "met_base": met_base, "confirmed_base": confirmed_base})
    return rows


def score_chart(figures: dict, *, width: int = 640):
    """The distribution of confirmed totals of a scored province, with its pass mark ("" if none)."""
    scores = figures.get("scores")
    if not scores:
        return ""
    return charts.histogram(
        scores["distribution"],
        mark=scores["pass_mark"],
        maximum=scores["total_points"],
        width=width,
        mark_label=str(_("pass mark")),
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


def fragment_key(*shown) -> str:
    """A digest of everything a cached fragment of a page shows (numbers, texts, dates, labels in
    the current language), so that the fragment is rendered again whenever any of it differs."""
    text = json.dumps(shown, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
