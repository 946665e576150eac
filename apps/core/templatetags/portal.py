from django import template
from django.http import QueryDict

register = template.Library()


@register.simple_tag(takes_context=True)
def query_replace(context, **kwargs):
    """The current query string with some parameters replaced (for pagination links)."""
    query: QueryDict = context["request"].GET.copy()
    for key, value in kwargs.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    return query.urlencode()


@register.filter
def submitted_late(assessment) -> bool:
    """Whether a community's assessment was first submitted after its year's community deadline."""
    from apps.core.campaign import community_submission_late

    return community_submission_late(assessment)
