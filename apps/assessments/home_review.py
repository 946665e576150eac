"""Home panels of reviewers: this year's queue counts per state and the work waiting (issue 4)."""

from .models import State
from .review_selectors import review_queue_counts, waiting_state
from .selectors import campaign_year


def panels(request) -> list[dict]:
    user = request.user
    year = campaign_year()
    counts = review_queue_counts(user=user, year=year)
    waiting = waiting_state(user)
    return [
        {
            "template": "review/_home_panel.html",
            "year": year,
            "counts": [(s, State(s).label, n) for s, n in counts.items()],
            "waiting_state": waiting,
            "waiting": counts.get(waiting, 0) if waiting else 0,
        }
    ]
