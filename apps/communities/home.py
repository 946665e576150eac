"""Home panels of the registry: the number of communities in scope and the way to browse them."""

from apps.accounts.capabilities import is_committee

from .selectors import community_count_visible


def panels(request) -> list[dict]:
    if is_committee(request.user):
        return []
    count = community_count_visible(user=request.user)
    return [
        {"template": "communities/_home_count.html", "slot": "facts", "count": count},
        {"template": "communities/_home_browse.html", "slot": "end"},
    ]
