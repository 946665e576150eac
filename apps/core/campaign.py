"""The campaign calendar's home: the years that exist, the community's and the province's
deadlines, today's date as pages read it, the national target."""

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")

# The notice of 22 July 2020 started the campaign: no year before it exists.
FIRST_YEAR = 2020


def campaign_year() -> int:
    """The year community pages open: settings.CAMPAIGN_YEAR, else this year (Asia/Shanghai)."""
    return settings.CAMPAIGN_YEAR or timezone.localdate().year


def year_exists(year: int) -> bool:
    """Whether `year` is a campaign year: from 2020 to the campaign year, both included."""
    return FIRST_YEAR <= year <= campaign_year()


def campaign_years() -> range:
    """Every campaign year, oldest first."""
    return range(FIRST_YEAR, campaign_year() + 1)


# The notice's national target: 60 % of urban communities taking part and meeting the
# requirements by 2022 (the share itself is settings.NATIONAL_TARGET_SHARE).
NATIONAL_TARGET_YEAR = 2022


def target_share() -> float:
    """The national target's share of urban communities (settings.NATIONAL_TARGET_SHARE, 60 %)."""
    return float(getattr(settings, "NATIONAL_TARGET_SHARE", 0.6))


# --- The calendar of one campaign year -------------------------------------------------------
# Communities submit their self-assessment by 31 October, so that the street, city and province
# have November to review and approve before the province's annual summary evaluation report is
# due on 30 November (the notice of 22 July 2020). A submission after its deadline is accepted but
# marked late (see docs/figures.md, "Deadlines").
COMMUNITY_DEADLINE = (10, 31)
REPORT_DEADLINE = (11, 30)


def today() -> dt.date:
    """Today in China's time zone: the one place pages and services read the date (tests patch it)."""
    return timezone.localdate(timezone=SHANGHAI)


def community_deadline(year: int) -> dt.date:
    """The last day a community's self-assessment of `year` is on time (31 October)."""
    return dt.date(year, *COMMUNITY_DEADLINE)


def report_deadline(year: int) -> dt.date:
    """The last day a province's annual report of `year` is on time (30 November)."""
    return dt.date(year, *REPORT_DEADLINE)


def local_date(moment: dt.datetime | dt.date | None) -> dt.date | None:
    if moment is None or not isinstance(moment, dt.datetime):
        return moment
    return timezone.localtime(moment, SHANGHAI).date()


def is_late(moment: dt.datetime | dt.date | None, deadline: dt.date) -> bool:
    """Whether something done at `moment` (Shanghai's date) came after `deadline`."""
    day = local_date(moment)
    return day is not None and day > deadline


def community_submission_late(assessment) -> bool:
    """Whether a community's assessment was first submitted after its year's community deadline."""
    moment = getattr(assessment, "first_submitted_at", None) or getattr(assessment, "submitted_at", None)
    return is_late(moment, community_deadline(assessment.year))


@dataclass(frozen=True)
class Due:
    """A deadline as a page shows it: the date, the days left (0 on the day), or the days overdue."""

    deadline: dt.date
    days_left: int

    @property
    def overdue_days(self) -> int:
        return max(0, -self.days_left)

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def soon(self) -> bool:
        return 0 <= self.days_left < 8


def due(deadline: dt.date, *, on: dt.date | None = None) -> Due:
    return Due(deadline=deadline, days_left=(deadline - (on or today())).days)


def campaign_calendar(*, on: dt.date | None = None) -> dict:
    """The campaign year and its deadlines (GET /api/v1/campaign/): the years that exist, the
    annual report's deadline of the campaign year with the days left (negative once it passed),
    in Asia/Shanghai, and the national target."""
    day = on or today()
    year = campaign_year()
    deadline = report_deadline(year)
    return {
        "year": year,
        "first_year": FIRST_YEAR,
        "years": list(campaign_years()),
        "today": day,
        "time_zone": str(SHANGHAI),
        "report_deadline": deadline,
        "report_days_left": (deadline - day).days,
        "report_deadline_passed": day > deadline,
        "national_target_share": target_share(),
        "national_target_year": NATIONAL_TARGET_YEAR,
    }
