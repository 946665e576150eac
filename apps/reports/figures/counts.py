"""The counts every row of figures holds (docs/figures.md), and the arithmetic on such rows: add
them up (a unit from its areas, the nation from its units), divide them into shares, take a median
from a histogram. Shared by computing (`compute`), composing (`compose`) and the drill-down."""

from apps.assessments.models import State
from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.review import workflow

# The review levels an assessment may wait at.
REVIEW_LEVELS = workflow.LEVEL_KEYS
IN_REVIEW = (State.SUBMITTED, State.RECOMMENDED)
# "Submitted": with a reviewer or decided, i.e. participating minus those returned to the community.
SUBMITTED_STATES = (*IN_REVIEW, State.PROPOSED, State.APPROVED, State.REVOKED)
COUNTS = (
    "registered",
    "participating",
    "submitted",
    "approved",
    "revoked",
    "revoked_since",
    "returned",
    "meeting",
)
# The naming stages shown beside "meeting the requirements" (counts of the year's assessments as
# they stand, from apps.naming.selectors.stage_aggregates; named communities are in "meeting").
NAMING_COUNTS = ("proposed", "in_notice", "held")


def figure_years() -> list[int]:
    """The years with figures: every campaign year from 2020 to the current one."""
    return list(range(FIRST_YEAR, max(FIRST_YEAR, campaign_year()) + 1))


def share(part: int, whole: int) -> float | None:
    """`part / whole` rounded to four places; None for an empty whole."""
    return round(part / whole, 4) if whole else None


def zero_row() -> dict:
    """A row of counts, all zero."""
    return {
        **dict.fromkeys(COUNTS, 0),
        "late": 0,
        **dict.fromkeys(NAMING_COUNTS, 0),
        "waiting": dict.fromkeys(REVIEW_LEVELS, 0),
    }


# The counts a row adds up (`add_row`), besides waiting per level.
ADDED = (*COUNTS, "late", *NAMING_COUNTS)


def add_row(into: dict, row: dict) -> dict:
    """Add the counts of `row` to `into` (waiting per level included); returns `into`."""
    for key in ADDED:
        into[key] = into.get(key, 0) + row.get(key, 0)
    waiting = row.get("waiting")
    if waiting:
        into_waiting = into["waiting"]
        for level, n in waiting.items():
            into_waiting[level] = into_waiting.get(level, 0) + n
    return into


def finish_row(row: dict) -> dict:
    """Add the two shares of a row of counts: meeting and participating over registered."""
    row["share"] = share(row["meeting"], row["registered"])
    row["participation"] = share(row["participating"], row["registered"])
    return row


def median_tenths(hist: dict) -> float | None:
    """The median of a histogram of durations in tenths of days ({"95": 3, ...}), in days."""
    items = sorted((int(k), n) for k, n in hist.items() if n)
    total = sum(n for _k, n in items)
    if not total:
        return None

    def value_at(position: int) -> int:
        seen = 0
        for value, n in items:
            seen += n
            if position < seen:
                return value
        raise IndexError(position)

    return round((value_at((total - 1) // 2) + value_at(total // 2)) / 20, 1)
