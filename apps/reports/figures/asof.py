"""As of the end of a year (docs/figures.md, "As of the end of Y"): the one place that says when an
assessment counts as approved, when it stops counting (revoked), and so what "approved in Y",
"revoked in Y", "revoked since" and "meeting the requirements at the end of Y" are.

Every figure of year Y is as of 24:00 on 31 December of Y in Asia/Shanghai: a decision taken in a
later year never changes a closed year. A revocation at 23:59:59 on 31 December belongs to that year.

`COUNTS_FROM` is the moment an assessment starts to count. Today it is the province's approval;
once a province has a naming procedure for a year (issue 22, 命名), it becomes the naming time:
change it here, and every figure (selectors, per-criterion figures, the fingerprint, the drill-down
lists) follows.
"""

import datetime as dt
import zoneinfo

from django.db.models import Q

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# The moment an assessment starts to count (approved, later: named) and the moment it stops.
COUNTS_FROM = "approved_at"
COUNTS_UNTIL = "revoked_at"


def year_start(year: int) -> dt.datetime:
    """00:00 on 1 January of `year`, Asia/Shanghai."""
    return dt.datetime(year, 1, 1, tzinfo=SHANGHAI)


def year_end(year: int) -> dt.datetime:
    """The end of `year` (exclusive): 00:00 on 1 January of the next year, Asia/Shanghai."""
    return year_start(year + 1)


def counting_at_q(moment: dt.datetime, path: str = "") -> Q:
    """Assessments (of any year) that count at `moment`: approved before it, not revoked before it."""
    return Q(**{f"{path}{COUNTS_FROM}__lt": moment}) & (
        Q(**{f"{path}{COUNTS_UNTIL}__isnull": True}) | Q(**{f"{path}{COUNTS_UNTIL}__gte": moment})
    )


def meeting_q(year: int, path: str = "") -> Q:
    """Meeting the requirements at the end of `year` (cumulative, whatever the assessment's year)."""
    return counting_at_q(year_end(year), path)


def approved_in_q(year: int, path: str = "") -> Q:
    """Approved in `year`: assessments of `year` approved during it and not revoked by its end."""
    return Q(**{f"{path}year": year}) & meeting_q(year, path)


def approved_during_q(year: int, path: str = "") -> Q:
    """Assessments of `year` approved during it, whatever happened after (the turnaround, the lists)."""
    return Q(**{f"{path}year": year, f"{path}{COUNTS_FROM}__lt": year_end(year)})


def revoked_in_q(year: int, path: str = "") -> Q:
    """Revoked in `year`: revocations that happened during `year`, of an approval of any year."""
    return Q(**{f"{path}{COUNTS_UNTIL}__gte": year_start(year), f"{path}{COUNTS_UNTIL}__lt": year_end(year)})


def revoked_since_q(year: int, path: str = "") -> Q:
    """Today's state, shown apart: assessments approved in `year` (as of its end) revoked after it."""
    return approved_during_q(year, path) & Q(**{f"{path}{COUNTS_UNTIL}__gte": year_end(year)})
