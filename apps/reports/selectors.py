"""Reads of the reports app about the annual reports: the status of every unit's report against
the deadline, scoped lists and lookups of reports, snapshots and compile jobs, and how a submitted
report's figures differ from today's. The figures themselves are in `apps.reports.figures`."""

import datetime as dt

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_read_national_pdf
from apps.core import versioned
from apps.core.campaign import report_deadline
from apps.core.errors import NotFoundError
from apps.regions.selectors import provincial_unit_names

from .figures.counts import COUNTS
from .figures.live import unit_figures_live
from .models import AnnualReport, CompileJob, NationalSnapshot

# The version of the annual reports' cached reads (apps.core.versioned): every save or delete of a
# report drops it (apps.py); a bulk update drops it itself.
REPORTS_VERSION = "annual-reports"


def _reports_of_year(year: int) -> dict:
    """The reports of `year` by provincial unit (what the status needs of them)."""
    return versioned.cached(
        REPORTS_VERSION,
        f"status:{year}",
        lambda: {
            r["province_id"]: r
            for r in AnnualReport.objects.filter(year=year).values(
                "id", "province_id", "state", "is_late", "submitted_at"
            )
        },
    )


def report_status(*, year: int, today: dt.date) -> list[dict]:
    """Report status of every provincial unit: on time / late / not yet / missing, with days left.
    Both reads are kept in the shared cache until a report (or a region) changes: the dashboard
    shows the status on every view."""
    reports = _reports_of_year(year)
    deadline = report_deadline(year)
    rows = []
    for code, name in provincial_unit_names():
        r = reports.get(code)
        if r and r["state"] == "submitted":
            status = "late" if r["is_late"] else "on_time"
        elif r and r["is_late"]:
            status = "missing"
        else:
            status = "not_yet" if today <= deadline else "missing"
        rows.append(
            {
                "code": code,
                "name": name,
                "report_id": r["id"] if r else None,
                "state": r["state"] if r else "",
                "status": status,
                "submitted_at": r["submitted_at"].isoformat() if r and r["submitted_at"] else None,
                "days_left": (deadline - today).days if status == "not_yet" else None,
                # Not submitted and past the deadline: how long overdue (已逾期 N 天).
                "overdue_days": (today - deadline).days if status == "missing" and today > deadline else None,
            }
        )
    return rows


def report_status_counts(rows: list[dict]) -> dict:
    """The counts of the status cards, from the very rows the table shows."""
    counts = dict.fromkeys(("on_time", "late", "not_yet", "missing"), 0)
    for r in rows:
        counts[r["status"]] += 1
    counts["submitted"] = counts["on_time"] + counts["late"]
    counts["total"] = len(rows)
    return counts


def annual_report_list(
    *, user, year: int | None = None, province: str | None = None
) -> QuerySet[AnnualReport]:
    return annual_reports_filtered(AnnualReport.objects.visible_to(user), year=year, province=province)


def annual_reports_filtered(qs, *, year: int | None = None, province: str | None = None):
    """Narrow an already scoped queryset of reports by year and provincial unit."""
    qs = qs.select_related("province")
    if year:
        qs = qs.filter(year=year)
    if province:
        qs = qs.filter(province_id=province.ljust(12, "0"))
    return qs


def access_report(*, user, pk) -> AnnualReport:
    """The annual report `pk` in the caller's scope, or NotFoundError for unknown and foreign alike:
    the one fetch-and-check of reports (pages, PDFs, API)."""
    try:
        return AnnualReport.objects.visible_to(user).select_related("province", "submitted_by").get(pk=pk)
    except (AnnualReport.DoesNotExist, ValueError, TypeError):
        raise NotFoundError(_("This report does not exist.")) from None


def national_snapshot_get(*, user, year: int) -> NationalSnapshot:
    """The national snapshot: ministry and administrators, and (its PDF) the co-ministries' national
    accounts (DoesNotExist for everyone else)."""
    if not can_read_national_pdf(user):
        raise NationalSnapshot.DoesNotExist
    return NationalSnapshot.objects.get(year=year)


def compile_job_get(*, user, pk) -> CompileJob:
    return CompileJob.objects.visible_to(user).get(pk=pk)


def report_changes_since_submission(*, report: AnnualReport) -> list[dict]:
    """For a submitted report: each headline figure as submitted and as it stands now (live), the
    rows that differ first. Empty for a report that is not submitted."""
    if report.state != "submitted" or not report.figures:
        return []
    then = report.figures.get("totals", {})
    now = unit_figures_live(year=report.year, province_code=report.province_id)["totals"]
    rows = []
    for key in (*COUNTS, "demonstrations"):
        before, after = then.get(key), now.get(key)
        if before is None and after is None:
            continue
        rows.append({"key": key, "then": before, "now": after, "delta": (after or 0) - (before or 0)})
    rows.extend(
        {"key": key, "then": then.get(key), "now": now.get(key), "delta": None, "share": True}
        for key in ("share", "participation")
    )
    return rows
