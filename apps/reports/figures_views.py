"""Exploring the figures: from the nation to a provincial unit, its cities, counties and streets,
and the list of communities behind any figure; every table exports to CSV and XLSX.

Reviewers of every level see their own region and below, nationwide users everything (another
region answers 404, as if it did not exist; committees get 403). All reads are the selectors'."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from apps.accounts.capabilities import can_explore_figures, can_see_national
from apps.accounts.scoping import region_tree_q
from apps.assessments.models import State
from apps.core.campaign import target_share
from apps.core.exports import export_response, local_time
from apps.regions.models import Region, RegionLevel

from . import columns, presenters
from .figures import drilldown, live
from .figures.counts import figure_years

PAGE_SIZE = 50
COLUMNS = ("registered", "participating", "submitted", "returned", "approved", "revoked", "meeting")
# Beside "meeting the requirements": the year's proposed, in-公示 and held counts (issue 22).
NAMING_COLUMNS = ("proposed", "in_notice", "held")


def _year(year) -> int:
    """A campaign year with figures (2020 to the current one), else 404."""
    year = int(year)
    if year not in figure_years():
        raise Http404
    return year


def _region_or_404(request, code: str) -> Region:
    if not can_explore_figures(request.user):
        raise PermissionDenied
    try:
        return drilldown.figures_region_get(user=request.user, code=code)
    except Region.DoesNotExist:
        raise Http404 from None


def _trail(user, region: Region) -> list[Region]:
    """The region's ancestors the user may open, nation first (for the breadcrumbs)."""
    codes = [c for c in (region.province_id, region.city_id, region.county_id) if c and c != region.code]
    allowed = {
        r.code: r
        for r in Region.objects.filter(region_tree_q(user), pk__in=codes).only("code", "name", "level")
    }
    return [allowed[c] for c in codes if c in allowed]


def _header(levels: list[str], first: str) -> list[str]:
    return [
        _("Code"),
        first,
        *(presenters.figure_label(k) for k in COLUMNS[:4]),
        *(presenters.figure_label(f"waiting_{lvl}") for lvl in levels),
        *(presenters.figure_label(k) for k in COLUMNS[4:]),
        *(presenters.figure_label(k) for k in NAMING_COLUMNS),
        presenters.figure_label("share"),
        presenters.figure_label("participation"),
    ]


def _cells(row: dict, levels: list[str]) -> list:
    return [
        row.get("code") or "",
        row.get("name") or "",
        *(row.get(k, 0) for k in COLUMNS[:4]),
        *((row.get("waiting") or {}).get(lvl, 0) for lvl in levels),
        *(row.get(k, 0) for k in COLUMNS[4:]),
        *(row.get(k, 0) for k in NAMING_COLUMNS),
        "" if row.get("share") is None else row["share"],
        "" if row.get("participation") is None else row["participation"],
    ]


CHILD_TITLES = {
    RegionLevel.CITY: gettext_lazy("City"),
    RegionLevel.COUNTY: gettext_lazy("County"),
    RegionLevel.STREET: gettext_lazy("Street"),
}


@login_required
@require_GET
def figures_region(request, year: int, code: str):
    """One region's figures of a year, the same figures for each region one level below (linked to
    their own page) and, for each figure, the list of communities behind it."""
    year = _year(year)
    region = _region_or_404(request, code)
    table = drilldown.region_figures_table(year=year, region=region)
    levels = presenters.levels_with_work([table["row"], *table["children"]])
    return render(
        request,
        "reports/figures_region.html",
        {
            "year": year,
            "years": list(reversed(figure_years())),
            "region": region,
            "trail": _trail(request.user, region),
            "national": can_see_national(request.user),
            "row": table["row"],
            "children": table["children"],
            "child_level": table["child_level"],
            "child_title": CHILD_TITLES.get(table["child_level"], ""),
            "levels": levels,
            "level_labels": [presenters.figure_label(f"waiting_{lvl}") for lvl in levels],
            "target": target_share(),
        },
    )


@login_required
@require_GET
def figures_region_export(request, year: int, code: str, fmt: str):
    """The region's table (its own row first, then one per region below) as CSV or XLSX."""
    year = _year(year)
    region = _region_or_404(request, code)
    table = drilldown.region_figures_table(year=year, region=region)
    levels = presenters.levels_with_work([table["row"], *table["children"]])
    codes = [region.code, *(child.get("code") or "" for child in table["children"])]
    # The areas below against the targets their level set (apps.targets, when it is installed).
    extra, extra_cells = columns.extra_columns(year=year, parent_code=region.code, codes=codes)
    rows = [
        _cells({**table["row"], "code": region.code, "name": region.name}, levels) + extra_cells(region.code)
    ]
    rows += [_cells(child, levels) + extra_cells(child.get("code") or "") for child in table["children"]]
    return export_response(
        fmt=fmt,
        basename=f"figures-{year}-{region.code}",
        sheet=f"{year} {region.name}",
        header=_header(levels, str(CHILD_TITLES.get(table["child_level"], _("Region")))) + extra,
        rows=rows,
    )


@login_required
@require_GET
def figures_national_export(request, year: int, fmt: str):
    """The 32 units' table of the national dashboard (live) as CSV or XLSX, ranked."""
    year = _year(year)
    if not can_see_national(request.user):
        raise Http404
    figures, _as_of = live.national_figures_live(year=year)
    units = figures.get("units", [])
    levels = presenters.levels_with_work(units)
    extra, extra_cells = columns.extra_columns(year=year, parent_code="", codes=[u["code"] for u in units])
    header = [_("Rank"), *_header(levels, _("Provincial unit")), _("Registry imported"), *extra]
    rows = [
        [
            u.get("rank") or "",
            *_cells(u, levels),
            _("yes") if u.get("registry_imported") else _("no"),
            *extra_cells(u["code"]),
        ]
        for u in units
    ]
    nation = {**figures.get("totals", {}), "code": "", "name": _("Nation")}
    rows.append(["", *_cells(nation, levels), "", *[""] * len(extra)])
    return export_response(fmt=fmt, basename=f"national-{year}", sheet=f"{year}", header=header, rows=rows)


def _figure(request) -> str:
    figure = request.GET.get("figure") or "registered"
    if figure not in drilldown.FIGURES:
        raise Http404
    return figure


@login_required
@require_GET
def figures_communities(request, year: int, code: str):
    """The communities behind one figure of a region (?figure=meeting, approved, ...), paginated."""
    year = _year(year)
    region = _region_or_404(request, code)
    figure = _figure(request)
    qs = drilldown.figure_communities(user=request.user, year=year, region=region, figure=figure)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(State.choices)
    return render(
        request,
        "reports/figures_communities.html",
        {
            "year": year,
            "region": region,
            "trail": _trail(request.user, region),
            "national": can_see_national(request.user),
            "figure": figure,
            "figure_label": presenters.figure_label(figure),
            "page": page,
            "state_labels": labels,
            "figures": [
                (key, presenters.figure_label(key))
                for key in drilldown.FIGURES
                if not key.startswith("waiting_")
            ],
        },
    )


@login_required
@require_GET
def figures_communities_export(request, year: int, code: str, fmt: str):
    """The communities behind one figure of a region as CSV or XLSX (streamed)."""
    year = _year(year)
    region = _region_or_404(request, code)
    figure = _figure(request)
    qs = drilldown.figure_communities(user=request.user, year=year, region=region, figure=figure)
    labels = {value: str(label) for value, label in State.choices}
    not_started = _("Not started")

    def rows():
        for c in qs.iterator(chunk_size=2000):
            yield (
                c.code,
                c.name,
                c.county.name,
                c.street.name,
                year,
                labels.get(c.state, not_started),
                local_time(c.approved_at),
            )

    return export_response(
        fmt=fmt,
        basename=f"communities-{year}-{region.code}-{figure}",
        sheet=f"{year} {figure}",
        header=[
            _("Statistical code"),
            _("Name"),
            _("County"),
            _("Street"),
            _("Year"),
            _("State"),
            _("Approved at"),
        ],
        rows=rows(),
    )
