"""The drill-down: a region's live figures beside those of each region one level below
(`region_figures_table`), and the communities behind one figure (`figure_communities`), each in
the caller's scope (`figures_region_get`): the pages and the API below the nation."""

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from apps.accounts.scoping import region_tree_q
from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.regions.models import Region, RegionLevel

from . import asof
from .compute import area_counts, registry_scope
from .counts import COUNTS, IN_REVIEW, REVIEW_LEVELS, SUBMITTED_STATES, add_row, finish_row, zero_row

# The figures a list of communities can be asked for (drill-down "the communities behind a figure").
FIGURES = (*COUNTS, "not_participating", *(f"waiting_{level}" for level in REVIEW_LEVELS))

LEVEL_COLUMN: dict[str, str] = {
    RegionLevel.PROVINCE: "province_id",
    RegionLevel.CITY: "city_id",
    RegionLevel.COUNTY: "county_id",
    RegionLevel.STREET: "street_id",
}


def figures_region_get(*, user, code: str) -> Region:
    """A region the user may explore (their own and below; the nation's units for the ministry),
    or Region.DoesNotExist (404 for both another region and no region)."""
    return (
        Region.objects.filter(region_tree_q(user)).select_related("province", "city", "county").get(pk=code)
    )


def _child_key(region: Region):
    """How the level below `region` is keyed: a province's cities (its counties for a municipality,
    which has districts, not cities), a city's counties, a county's streets."""
    if region.level == RegionLevel.PROVINCE:
        if Region.objects.filter(level=RegionLevel.CITY, province_id=region.code).exists():
            return RegionLevel.CITY, Coalesce("city_id", "county_id")
        return RegionLevel.COUNTY, "county_id"
    if region.level == RegionLevel.CITY:
        return RegionLevel.COUNTY, "county_id"
    if region.level == RegionLevel.COUNTY:
        return RegionLevel.STREET, "street_id"
    return None, None


def region_figures_table(*, year: int, region: Region) -> dict:
    """A region's figures of `year` and those of each region one level below, computed now from
    the database (three GROUP BY queries on the region's indexed column)."""
    column = LEVEL_COLUMN[region.level]
    communities, assessments, _gone = registry_scope(year, region_q=Q(**{column: region.code}))
    child_level, key = _child_key(region)
    groups = area_counts(
        year=year, communities=communities, assessments=assessments, keys={"child": key or column}
    )
    row = zero_row()
    for counts in groups.values():
        add_row(row, counts)
    children = []
    if child_level is not None:
        regions = {
            r.code: r
            for r in Region.objects.filter(code__in=[k[0] for k in groups if k[0]]).only(
                "code", "name", "level"
            )
        }
        for (code,), counts in sorted(groups.items(), key=lambda item: item[0][0] or ""):
            child = regions.get(code)
            children.append(
                {
                    "code": code,
                    "name": child.name if child else "",
                    "level": child.level if child else child_level,
                    **finish_row(counts),
                }
            )
    return {
        "year": year,
        "region": region,
        "row": finish_row(row),
        "children": children,
        "child_level": child_level,
    }


def figure_communities(*, user, year: int, region: Region, figure: str) -> QuerySet[Community]:
    """The communities behind one figure of a region and year, in the caller's scope, with the
    state of their assessment of that year: the list a figure on the drill-down pages links to."""
    if figure not in FIGURES:
        raise ValueError(figure)
    this_year = Assessment.objects.filter(community_id=OuterRef("code"), year=year)
    qs = (
        Community.objects.visible_to(user)
        .registered_in(year)
        .filter(**{LEVEL_COLUMN[region.level]: region.code})
        .select_related("street", "county")
        .annotate(
            state=Subquery(this_year.values("state")[:1]),
            assessment_id=Subquery(this_year.values("id")[:1]),
            approved_at=Subquery(this_year.values("approved_at")[:1]),
        )
        .order_by("code")
    )
    participating = this_year.exclude(state=State.DRAFT)
    states = {
        "submitted": SUBMITTED_STATES,
        "returned": [State.RETURNED],
    }
    as_of = {
        "approved": this_year.filter(asof.approved_in_q(year)),
        "revoked_since": this_year.filter(asof.revoked_since_q(year)),
        # Revocations during the year, of an approval of any year.
        "revoked": Assessment.objects.filter(asof.revoked_in_q(year), community_id=OuterRef("code")),
    }
    if figure in as_of:
        qs = qs.filter(Exists(as_of[figure]))
    elif figure == "participating":
        qs = qs.filter(Exists(participating))
    elif figure == "not_participating":
        qs = qs.exclude(Exists(participating))
    elif figure in states:
        qs = qs.filter(Exists(this_year.filter(state__in=states[figure])))
    elif figure == "meeting":
        meeting = Assessment.objects.filter(asof.meeting_q(year), community_id=OuterRef("code"))
        # The approval that makes it meet the requirements (the latest, whatever its year).
        qs = qs.filter(Exists(meeting)).annotate(
            approved_at=Subquery(meeting.order_by("-approved_at").values("approved_at")[:1])
        )
    elif figure.startswith("waiting_"):
        level = figure.removeprefix("waiting_")
        qs = qs.filter(Exists(this_year.filter(state__in=IN_REVIEW, review_level=level)))
    return qs
