"""Reads of the reports app: the compiled figures (database aggregation only) and scoped lookups.

Every figure follows the definitions of docs/figures.md:
- registered: communities in the registry of the region;
- participating in Y: communities whose assessment of Y left draft (including those sent back);
- submitted: assessments of Y currently with a reviewer or decided (submitted, recommended, approved,
  revoked), i.e. participating minus those returned to the community;
- approved in Y: assessments the province approved during Y (Asia/Shanghai);
- meeting the requirements at the end of Y (cumulative): communities with an assessment approved on or
  before 31 December of Y and not revoked by then (a revocation after Y still counts for Y);
- share: meeting / registered, against the 60 % target.
"""

import datetime as dt
import statistics
import zoneinfo

from django.conf import settings
from django.db.models import Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_see_national
from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.core.errors import NotFoundError
from apps.regions.models import Region
from apps.regions.selectors import provincial_units
from apps.review import workflow
from apps.review.models import Demonstration
from apps.review.selectors import chain_for
from apps.standards.selectors import local_standards_in_force

from . import criteria
from .models import AnnualReport, CompileJob, NationalSnapshot

# One "waiting at <level>" figure per review level (apps.review.workflow), from Assessment.review_level.
WAITING_ZERO = {f"waiting_{level.key}": 0 for level in workflow.LEVELS}

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
CORPS = "660000000000"


def year_start(year: int) -> dt.datetime:
    return dt.datetime(year, 1, 1, tzinfo=SHANGHAI)


def report_deadline(year: int) -> dt.date:
    """Reports are due on 30 November of their year (Asia/Shanghai); later is late."""
    return dt.date(year, 11, 30)


def target_share() -> float:
    return float(getattr(settings, "NATIONAL_TARGET_SHARE", 0.6))


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _meeting_q(year: int, path: str = "") -> Q:
    end = year_start(year + 1)
    return Q(**{f"{path}approved_at__lt": end}) & (
        Q(**{f"{path}revoked_at__isnull": True}) | Q(**{f"{path}revoked_at__gte": end})
    )


def _grouped(qs, key: str, **aggregates) -> dict[str, dict]:
    """One GROUP BY query: {key value: {aggregate: n}}."""
    return {row.pop("k"): row for row in qs.annotate(k=key).order_by().values("k").annotate(**aggregates)}


def _counts_by(*, communities, assessments, year: int, key_expr) -> list[dict]:
    """Registered / participating / submitted / approved / meeting grouped by one region column."""
    start, end = year_start(year), year_start(year + 1)
    registered = _grouped(communities, key_expr, registered=Count("code"))
    this_year = _grouped(
        assessments.filter(year=year),
        key_expr,
        participating=Count("id", filter=~Q(state=State.DRAFT)),
        submitted=Count(
            "id", filter=Q(state__in=[State.SUBMITTED, State.RECOMMENDED, State.APPROVED, State.REVOKED])
        ),
        approved=Count("id", filter=Q(approved_at__gte=start, approved_at__lt=end)),
        **{
            f"waiting_{level.key}": Count(
                "id", filter=Q(state__in=workflow.IN_REVIEW, review_level=level.key)
            )
            for level in workflow.LEVELS
        },
        returned=Count("id", filter=Q(state=State.RETURNED)),
    )
    meeting = _grouped(
        assessments.filter(_meeting_q(year)), key_expr, meeting=Count("community_id", distinct=True)
    )
    keys = set(registered) | set(this_year) | set(meeting)
    names = dict(Region.objects.filter(pk__in=[k for k in keys if k]).values_list("code", "name"))
    rows = []
    for key in keys:
        row = {
            "code": key,
            "name": names.get(key, ""),
            "registered": registered.get(key, {}).get("registered", 0),
            "participating": 0,
            "submitted": 0,
            "approved": 0,
            **WAITING_ZERO,
            "returned": 0,
            **this_year.get(key, {}),
            "meeting": meeting.get(key, {}).get("meeting", 0),
        }
        row["share"] = _share(row["meeting"], row["registered"])
        row["participation"] = _share(row["participating"], row["registered"])
        rows.append(row)
    return rows


def _turnaround(assessments, year: int) -> dict:
    """Median days from first submission to the province's approval, over one fetched column."""
    durations = list(
        assessments.filter(year=year, first_submitted_at__isnull=False, approved_at__isnull=False)
        .annotate(
            d=ExpressionWrapper(F("approved_at") - F("first_submitted_at"), output_field=DurationField())
        )
        .values_list("d", flat=True)
    )
    days = [d.total_seconds() / 86400 for d in durations if d is not None]
    return {
        "median_days": round(statistics.median(days), 1) if days else None,
        "decided": len(days),
    }


def _lists(assessments, year: int) -> dict:
    start, end = year_start(year), year_start(year + 1)
    # The rows first, then their names by primary key (two more queries, a fixed number): joining
    # the names in the same query made PostgreSQL hash the whole registry and region tables for
    # each unit (~45 ms per province at national scale instead of ~5).
    approved = list(
        assessments.filter(approved_at__gte=start, approved_at__lt=end)
        .order_by("county_id", "community_id")
        .values("community_id", "county_id", "street_id", "state")
    )
    community_names = dict(
        Community.objects.filter(code__in=[a["community_id"] for a in approved]).values_list("code", "name")
    )
    region_names = dict(
        Region.objects.filter(
            code__in={a["county_id"] for a in approved} | {a["street_id"] for a in approved}
        ).values_list("code", "name")
    )
    demos = list(
        Demonstration.objects.filter(year=year, assessment__in=assessments.values("id"))
        .order_by("assessment__county_id", "assessment__community_id")
        .values(
            "assessment__community_id",
            "assessment__community__name",
            "assessment__county__name",
            "citation",
        )
    )
    return {
        "approved_list": [
            {
                "code": a["community_id"],
                "name": community_names.get(a["community_id"], ""),
                "county": region_names.get(a["county_id"], ""),
                "street": region_names.get(a["street_id"], ""),
                "revoked": a["state"] == State.REVOKED,
            }
            for a in approved
        ],
        "demonstration_list": [
            {
                "code": d["assessment__community_id"],
                "name": d["assessment__community__name"],
                "county": d["assessment__county__name"],
                "citation": d["citation"],
            }
            for d in demos
        ],
    }


def _totals(rows: list[dict]) -> dict:
    keys = (
        "registered",
        "participating",
        "submitted",
        "approved",
        "meeting",
        *WAITING_ZERO,
        "returned",
    )
    totals = {k: sum(r[k] for r in rows) for k in keys}
    totals["share"] = _share(totals["meeting"], totals["registered"])
    totals["participation"] = _share(totals["participating"], totals["registered"])
    return totals


def region_figures(*, year: int, province_code: str | None = None) -> dict:
    """Every figure of a provincial unit (or of the nation with province_code=None) for `year`.

    A fixed number of GROUP BY queries whatever the number of rows. The result is plain JSON and
    deterministic (sorted), so compiling twice from the same data gives the same dict.
    """
    communities = Community.objects.all()
    assessments = Assessment.objects.all()
    if province_code:
        communities = communities.filter(province_id=province_code)
        assessments = assessments.filter(province_id=province_code)
    second_level = Coalesce("city_id", "county_id")
    cities = _counts_by(communities=communities, assessments=assessments, year=year, key_expr=second_level)
    counties = _counts_by(
        communities=communities, assessments=assessments, year=year, key_expr=F("county_id")
    )
    cities.sort(key=lambda r: r["code"] or "")
    counties.sort(key=lambda r: r["code"] or "")
    totals = _totals(cities)
    demonstrations = Demonstration.objects.filter(year=year)
    if province_code:
        demonstrations = demonstrations.filter(assessment__province_id=province_code)
    totals["demonstrations"] = demonstrations.count()
    totals.update(_turnaround(assessments, year))
    figures = {
        "year": year,
        "target": target_share(),
        "totals": totals,
        # Per national criterion through the mapping, on the approved assessments (apps.reports.criteria).
        "criteria": criteria.national_criterion_figures(assessments=assessments, year=year),
    }
    if province_code:
        region = Region.objects.get(pk=province_code)
        figures["province"] = {"code": region.code, "name": region.name}
        figures["chain"] = list(chain_for(province_id=province_code, year=year))
        figures["cities"] = cities
        figures["counties"] = counties
        figures.update(_lists(assessments, year))
        figures.update(
            criteria.province_standard_figures(
                assessments=assessments, year=year, province_code=province_code
            )
        )
    else:
        units = _counts_by(
            communities=communities, assessments=assessments, year=year, key_expr=F("province_id")
        )
        present = {u["code"] for u in units}
        names = dict(provincial_units().values_list("code", "name"))
        for code in names:
            if code not in present:
                units.append(
                    {
                        "code": code,
                        "registered": 0,
                        "participating": 0,
                        "submitted": 0,
                        "approved": 0,
                        "meeting": 0,
                        **WAITING_ZERO,
                        "returned": 0,
                        "share": None,
                        "participation": None,
                    }
                )
        for u in units:
            u["name"] = names.get(u["code"], u.get("name", ""))
        units.sort(key=lambda u: (-(u["share"] or 0), -(u["participation"] or 0), u["code"]))
        for rank, u in enumerate(units, start=1):
            u["rank"] = rank
        figures["units"] = units
        figures["chain"] = [level.key for level in workflow.LEVELS]
        figures["local_standards"] = local_standards_in_force(year=year)
        figures["weakest_criteria"] = sorted(
            [c for c in figures["criteria"] if c["met_share"] is not None], key=lambda c: c["met_share"]
        )[:5]
    return figures


def report_status(*, year: int, today: dt.date) -> list[dict]:
    """Report status of every provincial unit: on time / late / not yet, with days left."""
    reports = {
        r["province_id"]: r
        for r in AnnualReport.objects.filter(year=year).values(
            "id", "province_id", "state", "is_late", "submitted_at"
        )
    }
    deadline = report_deadline(year)
    rows = []
    for code, name in provincial_units().values_list("code", "name"):
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
            }
        )
    return rows


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
    """The national snapshot: ministry and administrators only (DoesNotExist for everyone else)."""
    if not can_see_national(user):
        raise NationalSnapshot.DoesNotExist
    return NationalSnapshot.objects.get(year=year)


def compile_job_get(*, user, pk) -> CompileJob:
    return CompileJob.objects.visible_to(user).get(pk=pk)
