"""The residents' line of the review page (beside the scores): answers, satisfied share, the gate.
One tag, so the review templates change by one line."""

from django import template
from django.urls import reverse

from apps.residents import selectors

register = template.Library()


@register.inclusion_tag("residents/_review_line.html")
def resident_gate(assessment):
    gate = selectors.gate_for(
        community_id=assessment.community_id, province_id=assessment.province_id, year=assessment.year
    )
    return {"assessment": assessment, "gate": gate, "results": gate.results}


@register.inclusion_tag("residents/_nav.html")
def residents_nav(user):
    """The menu's link to the residents' voice: a committee's results and poster, a province's
    survey and gate, a street or district department's posters."""
    from apps.accounts.capabilities import is_province_staff
    from apps.accounts.models import Role
    from apps.core.campaign import campaign_year

    link = None
    if user.is_authenticated and user.is_active:
        if user.role == Role.COMMUNITY and user.community_id:
            link = reverse("residents:results", kwargs={"code": user.community_id, "year": campaign_year()})
        elif is_province_staff(user):
            link = reverse("residents:survey-settings", kwargs={"year": campaign_year()})
        elif user.role in (Role.STREET, Role.CITY) and user.region_id:
            link = reverse("residents:area-posters", kwargs={"code": user.region_id})
    return {"link": link}
