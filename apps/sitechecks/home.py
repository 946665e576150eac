"""Home-page panel: an expert's open assignments."""

from apps.accounts.capabilities import is_expert

from . import selectors


def panels(request) -> list[dict]:
    if not is_expert(request.user):
        return []
    return [
        {"template": "sitechecks/home_expert.html", "assignments": selectors.expert_assignments(request.user)}
    ]
