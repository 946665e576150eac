"""The region tree in the base layout: the menu's scope label, read on every page."""

from django import template

from ..selectors import region_full_name

register = template.Library()


@register.simple_tag
def scope_label(user) -> str:
    """What `User.scope_label` says, with a region user's region (and the province, city and county
    above it) from the shared cache instead of up to four reads on every page (issue 29)."""
    return user.scope_label_using(region_full_name)
