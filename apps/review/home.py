"""Home panel of reviewers: this year's queue tabs with their counts and the work waiting."""

from apps.accounts.capabilities import is_reviewer
from apps.core.campaign import campaign_year

from . import selectors, workflow


def panels(request) -> list[dict]:
    user = request.user
    if not is_reviewer(user):
        return []
    year = campaign_year()
    counts = selectors.review_queue_counts(user=user, year=year)
    waiting = next((c.count for c in counts if c.key == "waiting"), 0)
    return [
        {
            "template": "review/_home_panel.html",
            "year": year,
            "title": workflow.queue_title(selectors.reviewer_level(user)),
            "counts": [c for c in counts if c.key != "waiting"],
            "waiting": waiting,
        }
    ]
