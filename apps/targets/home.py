"""Home-page panels of the targets app: the areas a department set targets for against their actual
figures (the province's and the ministry's dashboards), a city's own target, and a committee's place
on its area's creation list."""

from apps.accounts.capabilities import is_committee
from apps.core.campaign import campaign_year

from . import selectors
from .rules import can_read_targets, sets_targets, setter_region


def panels(request) -> list[dict]:
    user = request.user
    year = campaign_year()
    if is_committee(user):
        entry = selectors.community_on_list(community_id=user.community_id, year=year)
        if entry is None:
            return []
        return [{"template": "targets/home_committee.html", "entry": entry, "year": year, "slot": "facts"}]
    if not can_read_targets(user):
        return []
    own = None
    region = getattr(user, "region", None)
    if region is not None and region.level in ("province", "city", "county"):
        own = selectors.area_progress(year=year, area=region)
    rows = selectors.progress_rows(year=year, parent=setter_region(user)) if sets_targets(user) else []
    if own is None and not rows:
        return []
    return [
        {
            "template": "targets/home_targets.html",
            "year": year,
            "own": own,
            "rows": rows,
            "counts": selectors.state_counts(rows),
        }
    ]
