"""What other apps' pages show of the departments, each behind one tag so that their templates
change by one line: the consultations of a batch (batch page, its PDFs), the department opinions of
a criterion (review page), the co-signatures of a report (report page, PDF, ministry's table)."""

from django import template

from apps.accounts.scoping import is_active_user

from .. import consulting, selectors
from ..forms import ConsultForm, consult_draft_key

register = template.Library()


@register.simple_tag
def batch_consultations(batch, user=None, request=None) -> dict:
    """Who was consulted on `batch` and what they answered; for the province's staff, the form that
    asks (while the batch is a draft), holding what was typed when the last sending was refused."""
    from apps.accounts.capabilities import is_province_staff
    from apps.naming.procedure import BatchState

    rows = selectors.consultations_for_batch(batch)
    for c in rows:
        c.label = selectors.answer_label(c)
    staff = user is not None and is_active_user(user) and is_province_staff(user, batch.province_id)
    types = selectors.department_types(batch.province_id)
    form = None
    if staff and batch.state == BatchState.DRAFT:
        typed = request.session.pop(consult_draft_key(batch.pk), None) if request is not None else None
        form = (
            ConsultForm(typed, types=types)
            if typed
            else ConsultForm(types=types, initial={"deadline": consulting.today()})
        )
    return {"rows": rows, "staff": staff, "form": form}


@register.inclusion_tag("departments/_criterion_opinions.html")
def department_opinions(assessment, response) -> dict:
    """The other departments' opinions on one criterion of the review page (read once per
    assessment, kept on it for the next criteria)."""
    cached = getattr(assessment, "_department_opinions", None)
    if cached is None:
        cached = selectors.opinions_by_criterion(assessment)
        assessment._department_opinions = cached
    return {"opinions": cached.get(response.criterion_id, []), "number": response.criterion.number}


@register.simple_tag
def report_signatures(report, user=None) -> dict:
    """The departments taking part in a report: who confirmed and when; the province's form; the
    department's own pending confirmation."""
    from apps.accounts.capabilities import can_edit_report
    from apps.accounts.scoping import department_type_id

    rows = selectors.report_signatures(report)
    mine = department_type_id(user) if user is not None else None
    editable = user is not None and can_edit_report(user, report.province_id) and report.state != "submitted"
    chosen = {s.department_type_id for s in rows}
    return {
        "rows": rows,
        "mine": next((s for s in rows if s.department_type_id == mine and s.state == "pending"), None)
        if report.state != "submitted" and user is not None and user.region_id == report.province_id
        else None,
        "types": [(t, t.pk in chosen) for t in selectors.department_types(report.province_id)]
        if editable
        else [],
    }


@register.simple_tag
def cosign_summary(rows) -> dict:
    """Per report id of the ministry's status table: (confirmed, asked)."""
    ids = [r.get("report_id") if isinstance(r, dict) else getattr(r, "report_id", None) for r in rows]
    return selectors.signature_summary([i for i in ids if i])


@register.filter
def cosign_of(summary: dict, report_id):
    done, asked = (summary or {}).get(report_id, (0, 0))
    return f"{done}/{asked}" if asked else ""
