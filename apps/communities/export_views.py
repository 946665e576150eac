"""Downloads: the registry with this year's state, and a year's assessments with every criterion.
Scoped through visible_to like every page; streamed in constant memory (see exports.py)."""

from django.contrib.auth.decorators import login_required
from django.views.decorators.http import require_GET

from apps.assessments.exports import assessment_export_header, assessment_export_rows, criterion_columns
from apps.core.campaign import campaign_year, year_exists
from apps.core.exports import export_response

from .exports import community_export_header, community_export_rows


def _year(request) -> int:
    raw = request.GET.get("year", "")
    if raw.isascii() and raw.isdigit() and len(raw) == 4 and year_exists(int(raw)):
        return int(raw)
    return campaign_year()


@login_required
@require_GET
def community_export(request, fmt):
    year = _year(request)
    return export_response(
        fmt=fmt,
        basename=f"communities-{year}",
        sheet=f"communities-{year}",
        header=community_export_header(),
        rows=community_export_rows(user=request.user, year=year),
    )


@login_required
@require_GET
def assessment_export(request, fmt):
    year = _year(request)
    numbers = criterion_columns()
    return export_response(
        fmt=fmt,
        basename=f"assessments-{year}",
        sheet=f"assessments-{year}",
        header=assessment_export_header(numbers),
        rows=assessment_export_rows(user=request.user, year=year, numbers=numbers),
    )
