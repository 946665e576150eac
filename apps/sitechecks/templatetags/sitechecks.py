from django import template

from apps.sitechecks.selectors import site_check_of

register = template.Library()


@register.simple_tag
def site_check(assessment):
    """The assessment's site check (its sample entry of the last draw), or None."""
    return site_check_of(assessment.pk)
