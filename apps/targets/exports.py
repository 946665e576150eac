"""Targets in the exports: the targets page's own table, and the columns the targets app adds to
the reports app's figures exports (registered in TargetsConfig.ready through
apps.reports.columns, so reports imports nothing of this app)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.regions.models import Region

from . import selectors
from .models import Target
from .rules import child_areas

TARGET_HEADER = (
    gettext_lazy("Target share participating (%)"),
    gettext_lazy("Target share meeting the requirements (%)"),
    gettext_lazy("State"),
    gettext_lazy("Set late"),
)


def target_cells(row: dict) -> list:
    """An area's target, state and late mark, as the cells of an export."""
    labels = {"behind": _("Behind"), "on_track": _("On track"), "met": _("Met")}
    return [
        "" if row["target_participation"] is None else row["target_participation"],
        "" if row["target_meeting"] is None else row["target_meeting"],
        labels.get(row["state"], _("No target")),
        _("Yes") if row["set_late"] else "",
    ]


def figures_export_columns(*, year: int, parent_code: str, codes: list[str]):
    """The target columns of a figures export: `parent_code`'s own row (when it has a target) and
    the rows of the areas it sets targets for. One query when none of `codes` has a target."""
    header = [str(h) for h in TARGET_HEADER]
    if not Target.objects.filter(year=year, area__in=codes).exists():
        return header, {}
    parent = Region.objects.filter(pk=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        return header, {}
    rows = selectors.progress_rows(year=year, parent=parent) if child_areas(parent).exists() else []
    if parent is not None:
        rows.append(selectors.area_progress(year=year, area=parent))
    return header, {r["code"]: target_cells(r) for r in rows if r["code"] in codes}
