"""What other apps' pages show of the departments, each behind one tag so that their templates
change by one line: the consultations of a batch (batch page, its PDFs), the department opinions of
a criterion (review page), the co-signatures of a report (report page, PDF, ministry's table)."""

from django import template

from apps.accounts.scoping import is_active_user

from .. import consulting, selectors
from ..forms import ConsultForm

register = template.Library()


@register.simple_tag
def batch_consultations(batch, user=None) -> dict:
    """Who was consulted on `batch` and what they answered; for the province's staff, the form that
    asks (while the batch is a draft)."""
    from apps.accounts.capabilities import is_province_staff
    from apps.naming.procedure import BatchState

    rows = selectors.consultations_for_batch(batch)
    for c in rows:
        c.label = selectors.answer_label(c)
    staff = user is not None and is_active_user(user) and is_province_staff(user, batch.province_id)
    types = selectors.department_types(batch.province_id)
    return {
        "rows": rows,
        "staff": staff,
        "form": ConsultForm(types=types, initial={"deadline": consulting.today()})
        if staff and batch.state == BatchState.DRAFT
        else None,
    }


@register.simple_tag
def criterion_opinions(opinions: dict, criterion_id) -> list:
    return (opinions or {}).get(criterion_id, [])


@register.simple_tag
def assessment_opinions(assessment) -> dict:
    return selectors.opinions_by_criterion(assessment)


@register.simple_tag
def report_signatures(report) -> list:
    return selectors.report_signatures(report)
