"""The residents' line of the review page (beside the scores): answers, satisfied share, the gate.
One tag, so the review templates change by one line."""

from django import template

from apps.residents import selectors

register = template.Library()


@register.inclusion_tag("residents/_review_line.html")
def resident_gate(assessment):
    gate = selectors.gate_for(
        community_id=assessment.community_id, province_id=assessment.province_id, year=assessment.year
    )
    return {"assessment": assessment, "gate": gate, "results": gate.results}
