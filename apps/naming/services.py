"""The naming procedure and its batches: the province's procedure of a campaign year, and each
batch's life from draft to public notice (公示). Naming a batch (命名) is apps.naming.naming_act,
objections to a batch under notice apps.naming.objections; both share the guards, history and
notices written here.

Each service is atomic, checks who may act, writes its history (the provincial settings history for
the procedure and the batches, each assessment's own history for what happens to it) in the same
transaction, and notifies after commit. A refused request raises ServiceError and changes nothing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_configure_province, is_province_staff
from apps.accounts.models import Role, User
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, State
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.events import figures_changed
from apps.core.models import TraceAction, TraceKind
from apps.core.text import text_check
from apps.core.trace import trace_append
from apps.notices.services import notify_users

from . import procedure, selectors
from .models import Batch, BatchEntry, NamingProcedure
from .procedure import ACTIVE_ENTRY_STATES, BatchState, DayKind, EntryState, Namer

# --- The procedure --------------------------------------------------------------------------------


def naming_procedure_set(
    *,
    user: User,
    province_id: str,
    year: int,
    notice_days: int,
    day_kind: str,
    namer: str,
    issuing_body: str = "",
    steps=(),
) -> NamingProcedure:
    """Set the naming procedure of a provincial unit for a campaign year. Its provincial department
    only; refused once a batch of the year is published (frozen). Recorded in the provincial
    settings history. The same procedure again changes nothing."""
    if not can_configure_province(user, province_id):
        raise ForbiddenError(_("Only the provincial department can set its naming procedure."))
    try:
        notice_days = int(notice_days)
    except (TypeError, ValueError):
        notice_days = 0
    if not procedure.MIN_NOTICE_DAYS <= notice_days <= procedure.MAX_NOTICE_DAYS:
        raise ServiceError(
            _("The public notice lasts between %(min)s and %(max)s days.")
            % {"min": procedure.MIN_NOTICE_DAYS, "max": procedure.MAX_NOTICE_DAYS},
            code="invalid_notice_days",
            field="notice_days",
        )
    if day_kind not in DayKind.values:
        raise ServiceError(_("Choose calendar or working days."), code="invalid_day_kind", field="day_kind")
    if namer not in Namer.values:
        raise ServiceError(_("Choose who names the communities."), code="invalid_namer", field="namer")
    unknown = [s for s in steps if s not in procedure.STEP]
    if unknown:
        raise ServiceError(
            _("Unknown step: %(steps)s.") % {"steps": "、".join(unknown)}, code="invalid_step", field="steps"
        )
    issuing_body = text_check(issuing_body, field="issuing_body", label=_("Issuing body")).strip()[:100]
    with transaction.atomic():
        if selectors.procedure_is_frozen(province_id=province_id, year=year):
            raise ConflictError(
                _(
                    "A batch of %(year)s has already been published: the naming procedure of %(year)s can no longer be changed."
                )
                % {"year": year},
                code="procedure_frozen",
            )
        current = (
            NamingProcedure.objects.select_for_update().filter(province_id=province_id, year=year).first()
        )
        values = {
            "notice_days": notice_days,
            "day_kind": day_kind,
            "namer": namer,
            "issuing_body": issuing_body,
            "steps": ",".join(steps),
        }
        before = {k: getattr(current, k) for k in values} if current else {}
        if current is not None and before == values:
            return current
        if current is None:
            current = NamingProcedure(province_id=province_id, year=year)
        for name, value in values.items():
            setattr(current, name, value)
        current.set_by = user
        current.set_at = timezone.now()
        current.save()
        trace_append(
            kind=TraceKind.NAMING,
            action=TraceAction.PROCEDURE_SET,
            actor=user,
            subject=f"{province_id}/{year}",
            subject_label=f"{year}",
            province_id=province_id,
            data={"year": year, "before": before, "after": values},
        )
    return current


# --- Guards (shared with apps.naming.naming_act and apps.naming.objections) ------------------------


def province_staff_require(user: User, province_id: str) -> None:
    """Refuse (403) anyone but the staff of the province's own department."""
    if not is_province_staff(user, province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))


def batch_lock(batch: Batch, user: User | None = None) -> Batch:
    """The batch's row, locked for the transaction; 404 if it is gone or `user` may not see it."""
    locked = Batch.objects.select_for_update().filter(pk=batch.pk).first()
    if locked is None or (
        user is not None and not Batch.objects.visible_to(user).filter(pk=batch.pk).exists()
    ):
        raise NotFoundError(_("This batch does not exist."))
    return locked


def batch_version_check(batch: Batch, expected_version) -> None:
    """Refuse a change read from an older version of the batch (optimistic lock; None: unchecked)."""
    if expected_version not in (None, "") and batch.version != int(expected_version):
        raise ConflictError(
            _("Someone else changed this batch meanwhile. Reload the page to see the current state."),
            code="stale_version",
        )


# --- Batches ----------------------------------------------------------------------------------------


def batch_create(
    *,
    user: User,
    province_id: str,
    year: int,
    title: str,
    notice_start: dt.date,
    assessment_ids,
    notice_end: dt.date | None = None,
) -> Batch:
    """A draft batch of proposed assessments of the unit and year, numbered after the year's last
    batch; the notice ends after the procedure's number of days unless given. Refused: no
    procedure, no community, an assessment that is not proposed (revoked, back in review ...) or
    already in another batch, a start in the past."""
    province_staff_require(user, province_id)
    proc = selectors.procedure_for(province_id=province_id, year=year)
    if proc is None:
        raise ServiceError(
            _("Set the naming procedure of %(year)s first.") % {"year": year}, code="no_procedure"
        )
    title = text_check(title, field="title", label=_("Title")).strip()[:200]
    if not isinstance(notice_start, dt.date):
        raise ServiceError(
            _("Give the first day of the public notice."), code="invalid_date", field="notice_start"
        )
    if notice_start < selectors.today():
        raise ServiceError(
            _("The public notice cannot start in the past."), code="start_in_past", field="notice_start"
        )
    end = notice_end or procedure.notice_end(notice_start, proc.notice_days, proc.day_kind)
    if end < notice_start:
        raise ServiceError(
            _("The public notice cannot end before it starts."), code="invalid_date", field="notice_end"
        )
    ids = sorted({int(i) for i in assessment_ids})
    if not ids:
        raise ServiceError(
            _("Choose at least one proposed community."), code="empty_batch", field="assessments"
        )
    with transaction.atomic():
        assessments = list(
            Assessment.objects.select_for_update(of=("self",))
            .filter(pk__in=ids, province_id=province_id, year=year)
            .select_related("community")
        )
        if len(assessments) != len(ids):
            raise NotFoundError(_("This assessment does not exist."))
        wrong = [a for a in assessments if a.state != State.PROPOSED]
        if wrong:
            raise ServiceError(
                _("Only proposed communities can be put into a batch: %(names)s.")
                % {"names": "、".join(f"{a.community.name}（{a.get_state_display()}）" for a in wrong[:10])},
                code="not_proposed",
                field="assessments",
            )
        taken = set(
            BatchEntry.objects.filter(assessment_id__in=ids, state__in=ACTIVE_ENTRY_STATES).values_list(
                "assessment__community__name", flat=True
            )
        )
        if taken:
            raise ConflictError(
                _("Already in another batch: %(names)s.") % {"names": "、".join(sorted(taken)[:10])},
                code="in_other_batch",
            )
        number = selectors.next_batch_number(province_id=province_id, year=year)
        batch = Batch.objects.create(
            province_id=province_id,
            year=year,
            number=number,
            title=title
            or _("Batch %(number)s of green communities of %(year)s") % {"number": number, "year": year},
            notice_start=notice_start,
            notice_end=end,
            created_by=user,
        )
        BatchEntry.objects.bulk_create([BatchEntry(batch=batch, assessment=a) for a in assessments])
    return batch


def batch_entry_remove(*, user: User, entry: BatchEntry) -> None:
    """Take a community out of a draft batch (it stays proposed)."""
    with transaction.atomic():
        batch = batch_lock(entry.batch, user)
        province_staff_require(user, batch.province_id)
        if batch.state != BatchState.DRAFT:
            raise ConflictError(_("A published batch cannot be edited."), code="wrong_state")
        BatchEntry.objects.filter(pk=entry.pk, batch=batch).delete()
        batch.version += 1
        batch.save(update_fields=["version"])


def retired_entries_leave(batch: Batch, user: User | None) -> int:
    """Entries whose community was retired from the registry leave the batch with a note (at
    publishing and at naming)."""
    today = selectors.today()
    retired = list(
        BatchEntry.objects.filter(batch=batch, state__in=ACTIVE_ENTRY_STATES)
        .filter(assessment__community__retired_on__isnull=False, assessment__community__retired_on__lte=today)
        .select_related("assessment__community")
    )
    for entry in retired:
        entry.state = EntryState.LEFT
        entry.note = _("Retired from the registry on %(date)s.") % {
            "date": entry.assessment.community.retired_on
        }
        entry.save(update_fields=["state", "note"])
        assessment_services.history_append(
            entry.assessment, user, Action.LEFT_BATCH, reason=entry.note, data={"batch": batch.pk}
        )
    return len(retired)


def batch_publish(*, user: User, batch: Batch, expected_version=None) -> Batch:
    """Publish a draft batch for public notice: from now on its page is public and takes
    objections until the notice ends. Freezes the year's procedure. Each community is told."""
    with transaction.atomic():
        locked = batch_lock(batch, user)
        province_staff_require(user, locked.province_id)
        if locked.state != BatchState.DRAFT:
            raise ConflictError(_("This batch has already been published."), code="wrong_state")
        batch_version_check(locked, expected_version)
        proc = selectors.procedure_for(province_id=locked.province_id, year=locked.year)
        for key in proc.steps.split(",") if proc and proc.steps else []:
            step = procedure.STEP.get(key)
            problem = step.ready(locked) if step else None
            if problem:
                raise ConflictError(problem, code="step_pending")
        retired_entries_leave(locked, user)
        entries = list(
            BatchEntry.objects.filter(batch=locked, state=EntryState.LISTED).select_related(
                "assessment__community"
            )
        )
        if not entries:
            raise ServiceError(_("The batch has no community."), code="empty_batch")
        if locked.notice_start < selectors.today():
            raise ServiceError(
                _("The public notice was to start on %(date)s, which has passed: set a new start date.")
                % {"date": locked.notice_start},
                code="start_in_past",
                field="notice_start",
            )
        locked.state = BatchState.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = user
        locked.version += 1
        locked.save(update_fields=["state", "published_at", "published_by", "version"])
        batch_trace(
            locked,
            user,
            TraceAction.BATCH_PUBLISHED,
            number=locked.number,
            entries=len(entries),
            notice=[str(locked.notice_start), str(locked.notice_end)],
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        for entry in entries:
            community_notify(
                entry.assessment,
                _(
                    "The public notice (公示) of %(batch)s, which lists your community, runs from %(start)s to %(end)s."
                )
                % {"batch": locked.title, "start": locked.notice_start, "end": locked.notice_end},
                url=f"/public/batches/{locked.pk}/",
            )
        public_pages_invalidate(locked)
    return locked


def batch_trace(batch: Batch, user: User, action: str, **data) -> None:
    """Record a step of the batch in the provincial settings history (its year first in the data)."""
    trace_append(
        kind=TraceKind.NAMING,
        action=action,
        actor=user,
        subject=f"batch/{batch.pk}",
        subject_label=batch.title,
        province_id=batch.province_id,
        data={"year": batch.year, **data},
    )


# --- Notices and cache ---------------------------------------------------------------------------------


def community_users(community_ids):
    """The active committee accounts of these communities."""
    return User.objects.filter(role=Role.COMMUNITY, community_id__in=community_ids, is_active=True)


def community_notify(assessment: Assessment, text: str, url: str) -> None:
    """Notify the committee members of the assessment's community."""
    notify_users(users=community_users([assessment.community_id]), assessment=assessment, text=text, url=url)


def public_pages_invalidate(batch: Batch) -> None:
    """Drop the cached public pages of the batch once the transaction commits."""
    from .public_cache import invalidate

    transaction.on_commit(lambda: invalidate(batch.pk))
