"""The campaign calendar's home: the years that exist. (The 30 November deadline and the 60 %
target still live in apps.reports.selectors; this module is where they belong.)"""

from django.conf import settings
from django.utils import timezone

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
