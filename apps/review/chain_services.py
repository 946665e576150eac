"""The province's review chain of a campaign year: setting it (reads: apps.review.selectors)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_configure_province
from apps.accounts.models import User
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

from . import selectors, workflow
from .models import ReviewChain


def review_chain_set(*, user: User, province_id: str, year: int, levels) -> ReviewChain:
    """Set the review levels of a provincial unit for a campaign year. Provincial staff of the unit
    only; refused once an assessment of that year has been submitted (the chain is then frozen), and
    for a chain that skips the province, repeats or misorders a level, or names a level with no
    active account in the province. Recorded in the account and registry history. Idempotent: the
    same chain again changes nothing."""
    if not can_configure_province(user, province_id):
        raise ForbiddenError(_("Only the provincial department can set its review chain."))
    levels = tuple(levels)
    problems = workflow.chain_problems(levels)
    if problems:
        raise ServiceError(" ".join(str(p) for p in problems), code="invalid_chain", field="levels")
    missing = [key for key in levels if not selectors.level_has_accounts(province_id=province_id, key=key)]
    if missing:
        raise ServiceError(
            _("No active account reviews at this level in your province yet: %(levels)s.")
            % {"levels": "、".join(str(workflow.level_name(k, levels)) for k in missing)},
            code="level_without_accounts",
            field="levels",
        )
    with transaction.atomic():
        if selectors.chain_is_frozen(province_id=province_id, year=year):
            raise ConflictError(
                _(
                    "Assessments of %(year)s have already been submitted: the review chain of %(year)s can no longer be changed."
                )
                % {"year": year},
                code="chain_frozen",
            )
        current = ReviewChain.objects.select_for_update().filter(province_id=province_id, year=year).first()
        before = current.levels if current else ""
        text = workflow.chain_text(levels)
        if current is not None and current.levels == text:
            return current
        if current is None:
            current = ReviewChain(province_id=province_id, year=year)
        current.levels = text
        current.set_by = user
        current.set_at = timezone.now()
        current.save()
        trace_append(
            kind=TraceKind.CHAIN,
            action=TraceAction.CHAIN_SET,
            actor=user,
            subject=f"{province_id}/{year}",
            subject_label=f"{year}",
            province_id=province_id,
            data={"year": year, "before": before, "after": text},
        )
    return current
