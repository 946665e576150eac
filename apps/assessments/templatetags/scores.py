"""{% load scores %}: `value|score` writes a score or a total as the forms and the API do ("7.5",
"70", "" for none); `assessment|standing` says where it stands against the pass mark."""

from django import template

from apps.assessments.scores import score_text
from apps.assessments.scores import standing as score_standing

register = template.Library()


@register.filter
def score(value) -> str:
    return score_text(value)


@register.filter
def standing(assessment):
    """`assessment|standing`: where a scored assessment stands against its pass mark
    (apps.assessments.scores.standing), None without points."""
    return score_standing(assessment)
