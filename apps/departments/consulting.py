"""The departments' opinion on a proposed list before the public notice (征求部门意见), a step of the
naming procedure (apps.naming.procedure, key "opinions").

The province sends a draft batch to the department types it chooses with a deadline; each answers
无意见 or 有意见 with text, per community where it concerns one. Silence by the deadline is recorded
once as "逾期未反馈，视为无意见" (daily task, and lazily when the batch is published). A community
with a department's objection is held until the province resolves it with a reason (it stays, or
leaves the batch). An answer after the deadline is kept and marked late: it never holds a community
nor undoes a naming. Every service is atomic, checks who acts, and notifies after commit.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import is_province_staff
from apps.accounts.models import Role, User
from apps.accounts.scoping import department_column, department_type_id
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.text import text_check
from apps.naming import selectors as naming_selectors
from apps.naming.models import Batch, BatchEntry
from apps.naming.procedure import BatchState, EntryState
from apps.notices.services import notify_users

from .models import Answer, Consultation, DepartmentObjection, DepartmentType, ObjectionOutcome

LAPSED_TEXT = "逾期未反馈，视为无意见"
REMIND_DAYS_BEFORE = 2


def today() -> dt.date:
    """The naming's calendar (apps.naming.selectors.today)."""
    return naming_selectors.today()


def consultation_url(consultation: Consultation) -> str:
    return f"/departments/consultations/{consultation.pk}/"


def department_users(*, type_ids, province_id: str):
    """The active accounts of these department types at the provincial unit (who answer)."""
    return User.objects.filter(
        is_active=True,
        role=Role.DEPARTMENT,
        region_id=province_id,
        department_profile__department_type_id__in=list(type_ids),
    )


def _lock_batch(batch: Batch) -> Batch:
    return Batch.objects.select_for_update().get(pk=batch.pk)


# --- The province sends -------------------------------------------------------------------------


def consultation_send(
    *, user: User, batch: Batch, department_type_ids, deadline: dt.date
) -> list[Consultation]:
    """Ask the chosen department types of the batch's provincial unit for their opinion on a draft
    batch by `deadline`. A type already asked is not asked twice. Each department is told."""
    if not is_province_staff(user, batch.province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))
    if not isinstance(deadline, dt.date) or deadline < today():
        raise ServiceError(_("The deadline cannot be in the past."), code="invalid_date", field="deadline")
    ids = sorted({int(i) for i in department_type_ids})
    if not ids:
        raise ServiceError(
            _("Choose at least one department."), code="no_department", field="department_types"
        )
    with transaction.atomic():
        locked = _lock_batch(batch)
        if locked.state != BatchState.DRAFT:
            raise ConflictError(_("A published batch cannot be edited."), code="wrong_state")
        types = list(DepartmentType.objects.for_province(locked.province_id).active().filter(pk__in=ids))
        if len(types) != len(ids):
            raise NotFoundError(_("This department does not exist."))
        asked = set(Consultation.objects.filter(batch=locked).values_list("department_type_id", flat=True))
        now = timezone.now()
        created = Consultation.objects.bulk_create(
            [
                Consultation(batch=locked, department_type=t, deadline=deadline, sent_at=now, sent_by=user)
                for t in types
                if t.pk not in asked
            ]
        )
        for c in created:
            c.batch = locked
            notify_users(
                users=department_users(type_ids=[c.department_type_id], province_id=locked.province_id),
                text=_("Your opinion on %(batch)s is asked by %(deadline)s.")
                % {"batch": locked.title, "deadline": deadline},
                url=consultation_url(c),
            )
    return created


# --- The department answers ---------------------------------------------------------------------


def may_answer(user: User, consultation: Consultation) -> bool:
    """The provincial accounts of the consultation's department type."""
    return (
        department_column(user) == "province_id"
        and user.region_id == consultation.batch.province_id
        and department_type_id(user) == consultation.department_type_id
    )


def _answer_checked(*, answer: str, text: str, objections: dict | None) -> tuple[str, dict[int, str]]:
    """A known answer, the opinion's text and the non-empty texts per batch entry id; an objection
    says what it is, for the whole list or for a community. Returns the text and the entries' texts."""
    if answer not in (Answer.NONE, Answer.OBJECTION):
        raise ServiceError(_("Choose no objection or objection."), code="invalid_answer", field="answer")
    text = text_check(text or "", field="text", label=_("Opinion"), multiline=True).strip()
    cleaned = {}
    for entry_id, entry_text in (objections or {}).items():
        entry_text = text_check(
            entry_text or "", field="objections", label=_("Objection"), multiline=True
        ).strip()
        if entry_text:
            cleaned[int(entry_id)] = entry_text
    if answer == Answer.OBJECTION and not (text or cleaned):
        raise ServiceError(
            _("Say what the objection is, for the whole list or for a community."),
            code="text_required",
            field="text",
        )
    return text, cleaned


def _consultation_lock_unanswered(consultation: Consultation) -> Consultation:
    """Lock the consultation (with its batch) and check it has no answer yet: the first one stands."""
    locked = (
        Consultation.objects.select_for_update(of=("self",)).select_related("batch").get(pk=consultation.pk)
    )
    if locked.answer in (Answer.NONE, Answer.OBJECTION):
        raise ConflictError(
            _("This consultation was already answered on %(at)s.")
            % {"at": timezone.localtime(locked.answered_at).strftime("%Y-%m-%d %H:%M")},
            code="already_answered",
        )
    return locked


def _entries_lock(*, batch: Batch, entry_ids: list[int]) -> dict[int, BatchEntry]:
    """Lock the batch's entries an answer names, by id; every one must be in the batch."""
    entries = {
        e.pk: e
        for e in BatchEntry.objects.select_for_update(of=("self",))
        .filter(batch=batch, pk__in=entry_ids)
        .select_related("assessment__community")
    }
    if len(entries) != len(entry_ids):
        raise NotFoundError(_("This community is not in the batch."))
    return entries


def _department_objections_record(
    *, consultation: Consultation, entries: dict[int, BatchEntry], cleaned: dict[int, str], late: bool
) -> None:
    """One objection per community the answer names; in time, each listed community is held."""
    DepartmentObjection.objects.bulk_create(
        [
            DepartmentObjection(
                consultation=consultation,
                entry=entries[pk],
                community_name=entries[pk].assessment.community.name,
                text=t,
                late=late,
            )
            for pk, t in cleaned.items()
        ]
    )
    if not late:
        BatchEntry.objects.filter(pk__in=list(cleaned), state=EntryState.LISTED).update(state=EntryState.HELD)


def consultation_answer(
    *, user: User, consultation: Consultation, answer: str, text: str = "", objections: dict | None = None
) -> Consultation:
    """无意见 or 有意见. An objection names the communities it concerns (`objections`: batch entry id →
    text) or stands for the whole list (`text`). Answered in time, each named community is held until
    the province resolves it; after the deadline the answer is kept, marked late, and holds nothing.
    Answered twice: refused (the first answer stands)."""
    if not may_answer(user, consultation):
        raise ForbiddenError(_("Only the department asked may answer."))
    text, cleaned = _answer_checked(answer=answer, text=text, objections=objections)
    with transaction.atomic():
        locked = _consultation_lock_unanswered(consultation)
        batch = _lock_batch(locked.batch)
        entries = _entries_lock(batch=batch, entry_ids=list(cleaned))
        late = today() > locked.deadline or batch.state != BatchState.DRAFT
        locked.answer = answer
        locked.text = text if answer == Answer.OBJECTION or text else ""
        locked.answered_at = timezone.now()
        locked.answered_by = user
        locked.answered_name = user.display_name or user.username
        locked.late = late
        locked.save(update_fields=["answer", "text", "answered_at", "answered_by", "answered_name", "late"])
        if answer == Answer.OBJECTION:
            _department_objections_record(consultation=locked, entries=entries, cleaned=cleaned, late=late)
        notify_users(
            users=User.objects.filter(is_active=True, role=Role.PROVINCE, region_id=batch.province_id),
            text=_("%(department)s answered on %(batch)s: %(answer)s.")
            % {
                "department": locked.answered_name,
                "batch": batch.title,
                "answer": locked.get_answer_display(),
            },
            url=consultation_url(locked),
        )
    return locked


# --- The province resolves ------------------------------------------------------------------------


def objection_resolve(
    *, user: User, objection: DepartmentObjection, outcome: str, reason: str
) -> DepartmentObjection:
    """Resolve a department's objection with a reason: the community stays in the batch (released
    once no other objection holds it) or leaves it (it stays proposed and may join a later batch)."""
    if outcome not in (ObjectionOutcome.KEPT, ObjectionOutcome.REMOVED):
        raise ServiceError(
            _("Choose how the objection is resolved."), code="invalid_outcome", field="outcome"
        )
    reason = text_check(reason or "", field="reason", label=_("Reason"), multiline=True).strip()
    if not reason:
        raise ServiceError(_("Give the reason."), code="reason_required", field="reason")
    with transaction.atomic():
        locked = (
            DepartmentObjection.objects.select_for_update(of=("self",))
            .select_related("consultation__batch", "entry")
            .get(pk=objection.pk)
        )
        batch = _lock_batch(locked.consultation.batch)
        if not is_province_staff(user, batch.province_id):
            raise ForbiddenError(_("Only the provincial department can do this."))
        if locked.outcome != ObjectionOutcome.OPEN:
            raise ConflictError(_("This objection was already resolved."), code="already_resolved")
        locked.outcome = outcome
        locked.reason = reason
        locked.resolved_at = timezone.now()
        locked.resolved_by = user
        locked.save(update_fields=["outcome", "reason", "resolved_at", "resolved_by"])
        if batch.state == BatchState.DRAFT and not locked.late and locked.entry_id:
            _release_entry(locked, batch)
    return locked


def _release_entry(objection: DepartmentObjection, batch: Batch) -> None:
    entry = BatchEntry.objects.select_for_update().get(pk=objection.entry_id)
    if objection.outcome == ObjectionOutcome.REMOVED:
        entry.state = EntryState.LEFT
        entry.note = _("Left the batch after a department's objection: %(reason)s") % {
            "reason": objection.reason
        }
        entry.save(update_fields=["state", "note"])
    elif (
        entry.state == EntryState.HELD
        and not DepartmentObjection.objects.filter(
            entry=entry, outcome=ObjectionOutcome.OPEN, late=False
        ).exists()
    ):
        entry.state = EntryState.LISTED
        entry.save(update_fields=["state"])
    batch.version += 1
    batch.save(update_fields=["version"])


# --- Deadlines ----------------------------------------------------------------------------------------


def consultations_lapse(*, batch_id: int | None = None, on: dt.date | None = None) -> int:
    """Record once, for every consultation unanswered after its deadline: 逾期未反馈，视为无意见."""
    on = on or today()
    pending = Consultation.objects.filter(answer="", deadline__lt=on)
    if batch_id is not None:
        pending = pending.filter(batch_id=batch_id)
    return pending.update(answer=Answer.LAPSED, lapsed_at=timezone.now())


def consultations_remind(*, on: dt.date | None = None) -> int:
    """Remind, once, the departments that have not answered two days before the deadline."""
    on = on or today()
    due = list(
        Consultation.objects.filter(
            answer="",
            reminded_at__isnull=True,
            deadline__gte=on,
            deadline__lte=on + dt.timedelta(days=REMIND_DAYS_BEFORE),
            batch__state=BatchState.DRAFT,
        ).select_related("batch")
    )
    with transaction.atomic():
        for c in due:
            notify_users(
                users=department_users(type_ids=[c.department_type_id], province_id=c.batch.province_id),
                text=_("Reminder: your opinion on %(batch)s is due on %(deadline)s.")
                % {"batch": c.batch.title, "deadline": c.deadline},
                url=consultation_url(c),
            )
        Consultation.objects.filter(pk__in=[c.pk for c in due]).update(reminded_at=timezone.now())
    return len(due)


def named_batches_notify(*, province_id: str, year: int) -> None:
    """A batch a department answered on was named: tell it, once (a figures_changed handler, inside
    the naming's transaction)."""
    due = list(
        Consultation.objects.filter(
            batch__province_id=province_id,
            batch__year=year,
            batch__state=BatchState.NAMED,
            named_notice_at__isnull=True,
        ).select_related("batch")
    )
    for c in due:
        notify_users(
            users=department_users(type_ids=[c.department_type_id], province_id=province_id),
            text=_("%(batch)s, on which you gave your opinion, was named (%(number)s).")
            % {"batch": c.batch.title, "number": c.batch.document_number},
            url=consultation_url(c),
        )
    if due:
        Consultation.objects.filter(pk__in=[c.pk for c in due]).update(named_notice_at=timezone.now())


# --- The naming step -------------------------------------------------------------------------------


def consultation_ready(batch) -> str | None:
    """None when the batch may be published: departments were asked, every one answered or its
    deadline passed (recorded here if the daily task has not yet), and every objection made in time
    is resolved. Otherwise what is missing, in Chinese."""
    consultations_lapse(batch_id=batch.pk)
    rows = list(Consultation.objects.filter(batch=batch).select_related("department_type"))
    if not rows:
        return _("Ask the other departments for their opinion on this batch first.")
    waiting = [c for c in rows if not c.answer]
    if waiting:
        return _("Waiting for the opinion of %(departments)s (deadline %(deadline)s).") % {
            "departments": "、".join(c.department_type.name for c in waiting),
            "deadline": max(c.deadline for c in waiting),
        }
    names = sorted(
        set(
            DepartmentObjection.objects.filter(
                consultation__batch=batch, outcome=ObjectionOutcome.OPEN, late=False, entry__isnull=False
            ).values_list("community_name", flat=True)
        )
    )
    if names:
        return _("Resolve the departments' objections first: %(names)s.") % {"names": "、".join(names[:10])}
    return None
