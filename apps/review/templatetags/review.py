from django import template

from apps.review import selectors, workflow

register = template.Library()


@register.simple_tag(takes_context=True)
def review_title(context) -> str:
    """The name of the signed-in reviewer's queue: "Review: street office", "Final review", ..."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return workflow.queue_title(selectors.reviewer_level(user) if user is not None else None)


@register.filter
def status_label(assessment) -> str:
    """The assessment's state as a reviewer reads it (where it waits, when in review)."""
    return workflow.status_label(assessment)
