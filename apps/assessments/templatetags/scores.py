"""{% load scores %}: `value|score` writes a score or a total as the forms and the API do ("7.5",
"70", "" for none)."""

from django import template

from apps.assessments.scores import score_text

register = template.Library()


@register.filter
def score(value) -> str:
    return score_text(value)
