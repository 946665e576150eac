"""Home-page panels of the reports app: the province's report status, the ministry's progress."""

from django.utils import timezone

from apps.accounts.capabilities import can_see_national, is_province_staff
from apps.assessments.selectors import campaign_year

from . import selectors
from .models import AnnualReport, NationalSnapshot


def panels(request) -> list[dict]:
    user = request.user
    year = campaign_year()
    deadline = selectors.report_deadline(year)
    days_left = (deadline - timezone.localdate()).days
    if is_province_staff(user):
        report = AnnualReport.objects.visible_to(user).filter(year=year).first()
        return [
            {"template": "reports/home_province.html", "report": report, "year": year, "days_left": days_left}
        ]
    if can_see_national(user):
        snapshot = NationalSnapshot.objects.filter(year=year).only("year", "figures", "compiled_at").first()
        totals = snapshot.figures.get("totals", {}) if snapshot else {}
        return [{"template": "reports/home_national.html", "t": totals, "year": year, "days_left": days_left}]
    return []
