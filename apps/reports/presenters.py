"""Turning stored figures into what pages and PDFs display (labels, chart items). No queries."""

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


def share_items(rows: list[dict]) -> list[tuple[str, float | None]]:
    return [(r.get("name") or r.get("code") or "—", r.get("share")) for r in rows]


def criteria_chart(figures: dict, *, width: int = 640):
    """Per national criterion: shares of the approved assessments rated met and confirmed."""
    return charts.pair_chart(
        [(f"{c['number']}", c["met_share"], c["confirmed_share"]) for c in figures.get("criteria", [])],
        legend=(str(_("Rated met (of approved)")), str(_("Confirmed (of approved)"))),
        width=width,
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


def waiting_levels(figures: dict) -> list[tuple[str, str]]:
    """The review levels the figures count "waiting" for, with their labels: the chain of the
    province (a national figure lists every level). Figures compiled before chains existed have
    the default chain."""
    chain = (figures or {}).get("chain") or list(workflow.DEFAULT_CHAIN)
    return [(key, str(workflow.waiting_label(key, chain))) for key in chain if key in workflow.LEVEL]
