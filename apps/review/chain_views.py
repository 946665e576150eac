"""The province's review-chain page: the levels of a campaign year, with a preview of who reviews at
each; frozen (and saying why) once an assessment of that year was submitted."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.capabilities import can_configure_province
from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.core.drafts import form_save
from apps.regions.models import Region

from . import chain_services, selectors, workflow
from .forms import ChainForm


def _chain_year(raw) -> int:
    year = campaign_year()
    if raw and str(raw).isascii() and str(raw).isdigit() and FIRST_YEAR <= int(raw) <= year + 1:
        return int(raw)
    return year


@login_required
@require_http_methods(["GET", "POST"])
def review_chain(request):
    """The province's review chain of a campaign year: set it, with a preview of who reviews at each
    level; frozen (and saying why) once an assessment of that year was submitted."""
    user = request.user
    if not can_configure_province(user):
        raise PermissionDenied
    province = Region.objects.get(pk=user.region_id)
    year = _chain_year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    current = selectors.chain_for(province_id=province.pk, year=year)
    frozen = selectors.chain_is_frozen(province_id=province.pk, year=year)
    status = 200
    if request.method == "POST":
        form = ChainForm(request.POST)
        saved = form_save(
            request,
            form,
            lambda data: chain_services.review_chain_set(
                user=user, province_id=province.pk, year=year, levels=data["levels"]
            ),
            done=_("The review chain of %(year)s was saved.") % {"year": year},
            then=reverse("review:chain") + f"?year={year}",
        )
        if not isinstance(saved, int):
            return saved
        status = saved
    else:
        form = ChainForm(initial={"levels": list(current), "year": year})
    proposed = form.proposed_levels() if form.is_bound else list(current)
    return render(
        request,
        "review/chain.html",
        {
            "form": form,
            "province": province,
            "year": year,
            "years": range(campaign_year() + 1, FIRST_YEAR - 1, -1),
            "current": [workflow.level_name(k, current) for k in current],
            "frozen": frozen,
            "preview": selectors.chain_preview(province_id=province.pk, levels=proposed),
            "history": selectors.chains_of_province(user=user, province_id=province.pk),
        },
        status=status,
    )
