"""Actual against target inside other apps' pages (the national dashboard, the drill-down, the
provincial report and its PDF) with one include, so those pages need no change of their views."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core import versioned
from apps.regions.models import Region

from .. import selectors, tilemap
from ..models import Target
from ..rules import child_areas

register = template.Library()


@register.filter
def state_label(state) -> str:
    """The words of an area's state against its target, as the tables and their PDFs write them."""
    labels = {selectors.MET: _("Met"), selectors.ON_TRACK: _("On track"), selectors.BEHIND: _("Behind")}
    return labels.get(state, _("No target"))


@register.simple_tag
def target_progress(year, code="", figures=None):
    """The areas the level `code` sets targets for (the nation's units when empty), against their
    targets of `year`; `figures`: a unit's stored figures to read the actuals from (a submitted
    report's, so its PDF shows the figures it was submitted with). [] when no area has a target."""
    parent = None
    if code:
        parent = Region.objects.filter(pk=code).first()
        if parent is None:
            return []

    # One query when no area has a target (most pages, most years): nothing else is read. For the
    # nation's units (the ministry's dashboard, on every view) the answer is kept in the shared
    # cache until a target changes; the provincial units themselves never change level.
    def any_target() -> bool:
        return Target.objects.filter(year=int(year), area__in=child_areas(parent)).exists()

    if parent is None:
        found = versioned.cached(selectors.TARGETS_VERSION, f"national-any:{int(year)}", any_target)
    else:
        found = any_target()
    if not found:
        return []
    return selectors.progress_rows(year=int(year), parent=parent, figures=figures or None)


@register.simple_tag
def target_tile_map(year, figures):
    """The national tile map coloured by each unit's state against its target of `year` (the
    national figures `figures` give the actuals, already read by the page), and the count of units
    in each state (written under the map: readable at any width, without colour)."""
    rows = selectors.progress_rows(year=int(year), parent=None, figures=figures)
    return {
        "svg": tilemap.target_tile_map(
            rows,
            figures.get("units", []),
            href=lambda code: reverse("reports:figures_region", args=[int(year), code]),
        ),
        "counts": selectors.state_counts(rows),
    }
