"""Home panel of a department account: the opinions asked of it that wait for an answer."""

from apps.accounts.capabilities import is_other_department

from . import selectors


def panels(request) -> list[dict]:
    if not is_other_department(request.user):
        return []
    pending = [c for c in selectors.consultations_visible(request.user)[:50] if not c.answer]
    return [{"template": "departments/_home_panel.html", "pending": pending}]
