"""The menu's cache key: the menu (templates/includes/nav.html) shows links by capability, and is
rendered once per process for each distinct key, then read from the `menu` cache (settings.CACHES:
per-process memory, so nothing is ever stale across a deployment and no key needs dropping)."""

from django import template
from django.utils.translation import get_language

from apps.accounts.capabilities import menu_inputs
from apps.core.campaign import campaign_year

register = template.Library()


@register.simple_tag(takes_context=True)
def menu_key(context) -> str:
    """What the menu's links are a function of: the language, the campaign year (the residents'
    link) and the user's `menu_inputs`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return repr((get_language(), campaign_year(), *menu_inputs(user)))
