"""The naming (命名) of a batch after its public notice: one atomic step with the document number
and date that makes every listed community named (its assessment approved), leaves the held ones
out for a later batch, and tells the communities. Recorded in the provincial settings history and
in each assessment's history; all or nothing.
"""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, State
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.events import figures_changed
from apps.core.models import TraceAction
from apps.core.text import text_check
from apps.notices.services import notify_users

from . import selectors
from .models import Batch, BatchEntry
from .procedure import BatchState, EntryState
from .services import (
    batch_lock,
    batch_trace,
    batch_version_check,
    community_users,
    public_pages_invalidate,
    retired_entries_leave,
)


def batch_name(
    *, user: User, batch: Batch, document_number: str, document_date: dt.date, expected_version=None
) -> Batch:
    """Name the batch (命名) in one atomic step with its document number and date: every listed
    community becomes named (approved, from now on); held ones (an open objection) stay out and may
    join a later batch. Refused while the notice runs, twice (the second of two people naming at
    once is told), or without a document number. All or nothing."""
    document_number = text_check(
        document_number, field="document_number", label=_("Document number")
    ).strip()[:60]
    if not document_number:
        raise ServiceError(
            _("Give the document number (文号)."), code="document_number_required", field="document_number"
        )
    if not isinstance(document_date, dt.date):
        raise ServiceError(_("Give the date of the document."), code="invalid_date", field="document_date")
    with transaction.atomic():
        locked = batch_lock(batch, user)
        if not selectors.may_name(user=user, batch=locked):
            raise ForbiddenError(_("Only the department that names may name this batch."))
        if locked.state == BatchState.NAMED:
            raise ConflictError(
                _("This batch was already named (%(number)s) at %(at)s: nothing was changed.")
                % {
                    "number": locked.document_number,
                    "at": timezone.localtime(locked.named_at).strftime("%Y-%m-%d %H:%M"),
                },
                code="already_named",
            )
        if locked.state != BatchState.PUBLISHED:
            raise ConflictError(_("Publish the batch for public notice first."), code="wrong_state")
        batch_version_check(locked, expected_version)
        today = selectors.today()
        if today <= locked.notice_end:
            raise ConflictError(
                _("The public notice runs until %(end)s: the batch can be named from %(next)s.")
                % {"end": locked.notice_end, "next": locked.notice_end + dt.timedelta(days=1)},
                code="notice_running",
            )
        if document_date < locked.notice_end:
            raise ServiceError(
                _("The document cannot be dated before the public notice ended (%(end)s).")
                % {"end": locked.notice_end},
                code="invalid_date",
                field="document_date",
            )
        retired_entries_leave(locked, user)
        now = timezone.now()
        held = list(
            BatchEntry.objects.filter(batch=locked, state=EntryState.HELD).select_related("assessment")
        )
        listed_ids = list(
            BatchEntry.objects.filter(batch=locked, state=EntryState.LISTED).values_list(
                "assessment_id", flat=True
            )
        )
        # Every assessment of the batch, locked in one query (in key order, as every writer locks).
        assessments = list(
            Assessment.objects.select_for_update(of=("self",))
            .filter(pk__in=listed_ids)
            .select_related("community")
            .order_by("pk")
        )
        wrong = [a for a in assessments if a.state != State.PROPOSED]
        if wrong:
            raise ConflictError(
                _("These communities are no longer proposed: %(names)s. Nothing was named.")
                % {"names": "、".join(a.community.name for a in wrong[:10])},
                code="wrong_state",
            )
        Assessment.objects.filter(pk__in=listed_ids).update(
            state=State.APPROVED, approved_at=now, version=F("version") + 1, updated_at=now
        )
        reason = f"{document_number}（{document_date}）"
        assessment_services.history_append_many(
            assessments,
            user,
            Action.NAMED,
            from_state=State.PROPOSED,
            to_state=State.APPROVED,
            reason=reason,
            data={
                "batch": locked.pk,
                "document_number": document_number,
                "document_date": str(document_date),
            },
        )
        BatchEntry.objects.filter(batch=locked, state=EntryState.LISTED).update(state=EntryState.NAMED)
        for entry in held:
            entry.state = EntryState.LEFT
            entry.note = _("Held by an open objection at the naming: may join a later batch.")
            entry.save(update_fields=["state", "note"])
        locked.state = BatchState.NAMED
        locked.document_number = document_number
        locked.document_date = document_date
        locked.named_at = now
        locked.named_by = user
        locked.version += 1
        locked.save(
            update_fields=["state", "document_number", "document_date", "named_at", "named_by", "version"]
        )
        batch_trace(
            locked,
            user,
            TraceAction.BATCH_NAMED,
            document_number=document_number,
            named=len(assessments),
            held=len(held),
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        _named_notify(locked, assessments)
        public_pages_invalidate(locked)
    return locked


def _named_notify(batch: Batch, assessments) -> None:
    """One notice per committee member of each named community (one query for the users)."""
    by_community: dict[str, list[User]] = {}
    for user in community_users([a.community_id for a in assessments]):
        by_community.setdefault(user.community_id, []).append(user)
    text = _("Your community was named a green community (命名) by %(number)s.") % {
        "number": batch.document_number
    }
    for a in assessments:
        users = by_community.get(a.community_id)
        if users:
            notify_users(users=users, assessment=a, text=text, url=f"/public/batches/{batch.pk}/")
