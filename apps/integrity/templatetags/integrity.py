"""{% integrity_flags assessment response %}: the flags of one criterion on the review page, loaded
once per page for the whole assessment (selectors.flags_by_response), so the review view and its
template stay as they are but for one include per criterion."""

from django import template

from .. import selectors

register = template.Library()


@register.inclusion_tag("integrity/_flags.html", takes_context=True)
def integrity_flags(context, assessment, response):
    user = context["request"].user
    cache = getattr(assessment, "_integrity_flags", None)
    if cache is None:
        cache = selectors.flags_by_response(user=user, assessment=assessment)
        assessment._integrity_flags = cache
    return {"flags": cache.get(response.pk, ()), "response": response}


@register.filter
def item(mapping, key):
    return mapping.get(key, "") if hasattr(mapping, "get") else ""


@register.filter
def percent(value) -> str:
    try:
        return f"{float(value) * 100:.1f} %"
    except (TypeError, ValueError):
        return "—"
