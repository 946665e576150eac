"""The annual 通报: the level above ranks its areas for a year (actual against target, plans filed on
time, communities meeting the requirements) in the layout of an official notice, rendered with the
reports app's PDF helpers (CJK font, "第 N 页 共 M 页"), and publishes it to the areas concerned."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import Role, User
from apps.core import campaign
from apps.notices.services import notify_users
from apps.regions.models import Region
from apps.reports import pdf as report_pdf
from apps.reports import presenters
from apps.reports import selectors as report_figures
from apps.sitechecks.selectors import pass_rates

from . import selectors
from .models import ImplementationPlan


def ranking(*, year: int, parent: Region | None) -> list[dict]:
    """The areas below `parent` ranked by share meeting the requirements (ties: participation, code),
    each with its target, state, plan (filed on time or not) and, for the ministry's ranking of the
    units, its annual report (on time, late, not yet, missing); where the province checks a sample
    on site (apps.sitechecks), the share of the area's signed-off site checks that passed."""
    rows = selectors.progress_rows(year=year, parent=parent)
    plans = {p.area_id: p for p in ImplementationPlan.objects.filter(area__in=[r["code"] for r in rows])}
    # The ministry's ranking of the units also says whether each unit's annual report came on time.
    reports = (
        {
            r["code"]: r
            for r in presenters.status_rows(report_figures.report_status(year=year, today=campaign.today()))
        }
        if parent is None
        else {}
    )
    site_checks = pass_rates(year=year, codes=[r["code"] for r in rows])
    ranked = sorted(rows, key=lambda r: (-(r["share"] or 0), -(r["participation"] or 0), r["code"]))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
        row["plan"] = plans.get(row["code"])
        row["report"] = reports.get(row["code"])
        row["site_checks"] = site_checks.get(row["code"])
    return ranked


def issuer_of(parent: Region | None) -> str:
    return presenters.issuing_unit(parent.name if parent is not None else None)


def render(*, year: int, parent: Region | None) -> bytes:
    rows = ranking(year=year, parent=parent)
    today = timezone.localdate()
    return report_pdf._render(
        "targets/pdf/bulletin.html",
        {
            "f": {},
            "year": year,
            "rows": rows,
            "with_reports": parent is None,
            "with_site_checks": any(r["site_checks"] for r in rows),
            "counts": selectors.state_counts(rows),
            "issuer": issuer_of(parent),
            "issued_date": today,
            "sections": [("ranking", _("Progress against targets"))],
        },
    )


@transaction.atomic
def bulletin_publish(*, user, year: int, parent: Region | None) -> int:
    """Tell each area's department its place in the year's ranking (an in-app notice with a link to
    its target page). Returns the number of users told."""
    rows = ranking(year=year, parent=parent)
    roles = (Role.PROVINCE,) if parent is None else (Role.CITY, Role.PROVINCE)
    told = 0
    labels = {"met": _("Met"), "on_track": _("On track"), "behind": _("Behind")}
    for row in rows:
        users = User.objects.filter(is_active=True, role__in=roles, region_id=row["code"])
        text = _(
            "%(issuer)s published the %(year)s bulletin on targets: %(area)s ranks %(rank)s of %(n)s (%(state)s)."
        ) % {
            "issuer": issuer_of(parent),
            "year": year,
            "area": row["name"],
            "rank": row["rank"],
            "n": len(rows),
            "state": labels.get(row["state"], _("No target")),
        }
        users = list(users)
        notify_users(
            users=users, text=text, url=reverse("targets:area", kwargs={"year": year, "code": row["code"]})
        )
        told += len(users)
    return told
