"""The public page (no login): communities approved per province and year, and the demonstration
communities. Public facts only: names, codes, dates and citations; never evidence or statements."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.naming import selectors as naming_selectors
from apps.regions.models import Region, RegionLevel

from . import selectors

PAGE_SIZE = 100


@require_GET
def public_index(request):
    year = campaign_year()
    return render(
        request,
        "public/index.html",
        {
            "provinces": selectors.public_provinces(),
            # Batches in public notice first (open to objections), then the named ones.
            "batches": list(naming_selectors.public_batches()[:50]),
            "year": year,
            "years": range(year, FIRST_YEAR - 1, -1),
        },
    )


@require_GET
def public_province(request, code, year):
    code = code.ljust(12, "0") if code.isdigit() else ""
    try:
        province = Region.objects.get(pk=code, level=RegionLevel.PROVINCE)
    except Region.DoesNotExist:
        raise Http404 from None
    if not FIRST_YEAR <= year <= campaign_year():
        raise Http404
    approved = selectors.public_approved(province=province, year=year)
    page = Paginator(approved, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "public/province.html",
        {
            "province": province,
            "year": year,
            "years": range(campaign_year(), FIRST_YEAR - 1, -1),
            "page": page,
            "demonstrations": list(selectors.public_demonstrations(province=province, year=year)),
        },
    )
