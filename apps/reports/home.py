"""Home-page panels of the reports app: the province's report status, the ministry's progress."""

from apps.accounts.capabilities import can_see_national, is_province_staff
from apps.core import campaign
from apps.core.campaign import NATIONAL_TARGET_YEAR, campaign_year

from .figures import live
from .models import AnnualReport


def panels(request) -> list[dict]:
    user = request.user
    year = campaign_year()
    due = campaign.due(campaign.report_deadline(year))
    days_left = due.days_left
    if is_province_staff(user):
        report = AnnualReport.objects.visible_to(user).filter(year=year).first()
        return [
            {
                "template": "reports/home_province.html",
                "report": report,
                "year": year,
                "due": due,
                # Not started, draft or returned: the deadline still counts down.
                "editable": report is None or report.is_editable,
                "province": user.region_id,
            }
        ]
    if can_see_national(user):
        figures, _as_of = live.national_figures_live(year=year)
        return [
            {
                "template": "reports/home_national.html",
                "t": figures.get("totals", {}),
                "target": figures.get("target", campaign.target_share()),
                "target_year": NATIONAL_TARGET_YEAR,
                "year": year,
                "days_left": days_left,
            }
        ]
    return []
