"""Every write of the naming: the province's naming procedure, batches (create, publish, name),
objections (from the public or entered by staff, resolved by the province) and the erasure of
objectors' contacts.

Each service is atomic, checks who may act, writes its history (the provincial settings history for
the procedure and the batches, each assessment's own history for what happens to it) in the same
transaction, and notifies after commit. A refused request raises ServiceError and changes nothing.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_configure_province, is_province_staff
from apps.accounts.models import Role, User
from apps.assessments import files as evidence_files
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, Response, State, Verdict
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.events import figures_changed
from apps.core.models import TraceAction, TraceKind
from apps.core.text import text_check, without_controls
from apps.core.trace import trace_append
from apps.notices.services import notify_users
from apps.review import selectors as review_selectors
from apps.review import workflow
from apps.standards.models import Criterion

from . import procedure, selectors
from .models import Batch, BatchEntry, NamingProcedure, Objection, ObjectionFile
from .procedure import ACTIVE_ENTRY_STATES, BatchState, DayKind, EntryState, Namer, ObjectionSource, Outcome

MAX_OBJECTION_FILES = 5
PHONE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")

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


def _require_staff(user: User, province_id: str) -> None:
    if not is_province_staff(user, province_id):
        raise ForbiddenError(_("Only the provincial department can do this."))


def _lock_batch(batch: Batch, user: User | None = None) -> Batch:
    locked = Batch.objects.select_for_update().filter(pk=batch.pk).first()
    if locked is None or (
        user is not None and not Batch.objects.visible_to(user).filter(pk=batch.pk).exists()
    ):
        raise NotFoundError(_("This batch does not exist."))
    return locked


def _check_batch_version(batch: Batch, expected_version) -> None:
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
    _require_staff(user, province_id)
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
        batch = _lock_batch(entry.batch, user)
        _require_staff(user, batch.province_id)
        if batch.state != BatchState.DRAFT:
            raise ConflictError(_("A published batch cannot be edited."), code="wrong_state")
        BatchEntry.objects.filter(pk=entry.pk, batch=batch).delete()
        batch.version += 1
        batch.save(update_fields=["version"])


def _leave_retired(batch: Batch, user: User | None) -> int:
    """Entries whose community was retired from the registry leave the batch with a note."""
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
        locked = _lock_batch(batch, user)
        _require_staff(user, locked.province_id)
        if locked.state != BatchState.DRAFT:
            raise ConflictError(_("This batch has already been published."), code="wrong_state")
        _check_batch_version(locked, expected_version)
        proc = selectors.procedure_for(province_id=locked.province_id, year=locked.year)
        for key in proc.steps.split(",") if proc and proc.steps else []:
            step = procedure.STEP.get(key)
            problem = step.ready(locked) if step else None
            if problem:
                raise ConflictError(problem, code="step_pending")
        _leave_retired(locked, user)
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
        trace_append(
            kind=TraceKind.NAMING,
            action=TraceAction.BATCH_PUBLISHED,
            actor=user,
            subject=f"batch/{locked.pk}",
            subject_label=locked.title,
            province_id=locked.province_id,
            data={
                "year": locked.year,
                "number": locked.number,
                "entries": len(entries),
                "notice": [str(locked.notice_start), str(locked.notice_end)],
            },
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        for entry in entries:
            _notify_community(
                entry.assessment,
                _(
                    "The public notice (公示) of %(batch)s, which lists your community, runs from %(start)s to %(end)s."
                )
                % {"batch": locked.title, "start": locked.notice_start, "end": locked.notice_end},
                url=f"/public/batches/{locked.pk}/",
            )
        _invalidate_public(locked)
    return locked


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
        locked = _lock_batch(batch, user)
        if not _may_name(user, locked):
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
        _check_batch_version(locked, expected_version)
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
        _leave_retired(locked, user)
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
        trace_append(
            kind=TraceKind.NAMING,
            action=TraceAction.BATCH_NAMED,
            actor=user,
            subject=f"batch/{locked.pk}",
            subject_label=locked.title,
            province_id=locked.province_id,
            data={
                "year": locked.year,
                "document_number": document_number,
                "named": len(assessments),
                "held": len(held),
            },
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        _notify_named(locked, assessments)
        _invalidate_public(locked)
    return locked


def _may_name(user: User, batch: Batch) -> bool:
    """The namer of the year's procedure: the province, or, where it delegated, the province and the
    departments of the batch's cities."""
    if is_province_staff(user, batch.province_id):
        return True
    proc = selectors.procedure_for(province_id=batch.province_id, year=batch.year)
    if proc is None or proc.namer != Namer.CITY or user.role != Role.CITY:
        return False
    cities = set(BatchEntry.objects.filter(batch=batch).values_list("assessment__city_id", flat=True))
    return cities == {user.region_id}


# --- Objections ---------------------------------------------------------------------------------------


def _clean_phone(phone: str) -> str:
    phone = re.sub(r"[\s()（）]", "", phone or "")
    if not PHONE_RE.match(phone):
        raise ServiceError(
            _(
                "Enter a mobile number (11 digits, e.g. 13812345678) or a landline with its area code (e.g. 021-12345678)."
            ),
            code="invalid_phone",
            field="phone",
        )
    return phone


def _checked_files(uploads) -> list[tuple]:
    """Each upload checked as evidence is (size, type by content, image decodes; GPS removed)."""
    uploads = [u for u in (uploads or []) if u]
    if len(uploads) > MAX_OBJECTION_FILES:
        raise ServiceError(
            _("At most %(n)s files per objection.") % {"n": MAX_OBJECTION_FILES},
            code="too_many_files",
            field="files",
        )
    checked = []
    for upload in uploads:
        try:
            evidence_files.check_size(upload.size)
            kind = evidence_files.sniff(upload)
            content = upload
            if kind in ("jpeg", "png", "heic"):
                cleaned = evidence_files.image_without_location(upload, kind)
                if cleaned is not None:
                    content = File(cleaned)
                    content.size = len(cleaned.getbuffer())
        except ServiceError as exc:
            name = without_controls(getattr(upload, "name", ""))[:80]
            exc.message = f"{name}：{exc.message}"
            exc.field = "files"
            raise
        checked.append((upload, kind, content))
    return checked


def objection_submit(
    *,
    batch: Batch,
    assessment_id,
    text: str,
    name: str,
    phone: str,
    criterion_number=None,
    uploads=(),
    source: str = ObjectionSource.PUBLIC,
    user: User | None = None,
    received_at=None,
) -> Objection:
    """Record an objection to one community of a published batch. From the public (no account):
    only while the notice runs, refused after it with the closing date. Entered by the province's
    staff (letter, phone, e-mail): until the batch is named. The community is held until the
    objection is resolved; it is told an objection concerns it (never by whom). Nothing is stored
    when any input is refused."""
    staff = source != ObjectionSource.PUBLIC
    if source not in ObjectionSource.values:
        raise ServiceError(_("Choose how the objection was received."), code="invalid_source", field="source")
    text = text_check(text, field="text", label=_("Objection"), multiline=True).strip()
    if not text:
        raise ServiceError(_("Write what the objection is about."), code="text_required", field="text")
    if len(text) > 5000:
        raise ServiceError(
            _("The objection is limited to 5,000 characters."), code="text_too_long", field="text"
        )
    name = text_check(name, field="name", label=_("Name")).strip()[:60]
    if not name:
        raise ServiceError(
            _("Give your name: anonymous objections cannot be followed up."),
            code="name_required",
            field="name",
        )
    phone = _clean_phone(phone)
    checked = _checked_files(uploads)
    with transaction.atomic():
        locked = Batch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or locked.state == BatchState.DRAFT:
            raise NotFoundError(_("This batch does not exist."))
        if staff:
            _require_staff(user, locked.province_id)
            if locked.state != BatchState.PUBLISHED:
                raise ConflictError(
                    _("This batch has been named: it takes no more objections."), code="closed"
                )
        else:
            today = selectors.today()
            if locked.state != BatchState.PUBLISHED or today > locked.notice_end:
                raise ConflictError(
                    _(
                        "The public notice of this batch closed on %(end)s: objections are no longer accepted here."
                    )
                    % {"end": locked.notice_end},
                    code="closed",
                )
            if today < locked.notice_start:
                raise ConflictError(
                    _("The public notice starts on %(start)s.") % {"start": locked.notice_start},
                    code="not_started",
                )
        try:
            assessment_id = int(assessment_id)
        except (TypeError, ValueError):
            assessment_id = 0
        entry = (
            BatchEntry.objects.select_for_update(of=("self",))
            .filter(batch=locked, assessment_id=assessment_id, state__in=ACTIVE_ENTRY_STATES)
            .select_related("assessment__community", "assessment__standard")
            .first()
        )
        if entry is None:
            raise ServiceError(
                _("Choose a community of this batch."), code="unknown_community", field="community"
            )
        criterion = None
        if criterion_number not in (None, ""):
            criterion = Criterion.objects.filter(
                standard_id=entry.assessment.standard_id, number=_int_or_none(criterion_number)
            ).first()
            if criterion is None:
                raise ServiceError(
                    _("Choose a criterion of the standard, or none."),
                    code="unknown_criterion",
                    field="criterion",
                )
        objection = Objection.objects.create(
            batch=locked,
            entry=entry,
            criterion=criterion,
            text=text,
            source=source,
            objector_name=name,
            objector_phone=phone,
            received_at=received_at or timezone.now(),
            entered_by=user if staff else None,
        )
        stored = []
        try:
            for upload, kind, content in checked:
                f = ObjectionFile(
                    objection=objection,
                    original_name=without_controls(getattr(upload, "name", "")).rsplit("/", 1)[-1][:255]
                    or "upload",
                    kind=kind,
                    size=content.size,
                    sha256=evidence_files.sha256_of(content),
                )
                f.file.save(evidence_files.EXTENSIONS[kind], content, save=False)
                stored.append(f.file.name)
                f.save()
        except Exception:
            for stored_name in stored:
                ObjectionFile.file.field.storage.delete(stored_name)
            raise
        was_listed = entry.state == EntryState.LISTED
        if was_listed:
            entry.state = EntryState.HELD
            entry.save(update_fields=["state"])
        assessment = assessment_services.assessment_lock(entry.assessment)
        # The assessment's history says an objection came, never from whom.
        assessment_services.history_append(
            assessment,
            user if staff else None,
            Action.OBJECTION,
            data={
                "batch": locked.pk,
                "objection": objection.pk,
                "criterion": criterion.number if criterion else None,
                "source": source,
            },
        )
        figures_changed(province_id=locked.province_id, year=locked.year)
        _notify_community(
            entry.assessment,
            _(
                "An objection concerning your community was received during the public notice of %(batch)s; the provincial department will check it."
            )
            % {"batch": locked.title},
            url=f"/assessments/{entry.assessment_id}/",
        )
        _invalidate_public(locked)
    return objection


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def objection_resolve(
    *, user: User, objection: Objection, outcome: str, reason: str, to_level: str = "", expected_outcome=None
) -> Objection:
    """The province's outcome of an objection, with a written reason. Dismissed: the community is
    listed again once no other objection on it is open. Upheld: the assessment goes back to the
    review level the province chooses (a level of its chain), leaves the batch with a note, and the
    objection is attached to its criterion as the review comment."""
    reason = text_check(reason, field="reason", label=_("Reason"), multiline=True).strip()
    if outcome not in (Outcome.DISMISSED, Outcome.UPHELD):
        raise ServiceError(_("Choose dismiss or uphold."), code="invalid_outcome", field="outcome")
    if not reason:
        raise ServiceError(_("Write the reason for the outcome."), code="reason_required", field="reason")
    with transaction.atomic():
        batch = _lock_batch(objection.batch, user)
        _require_staff(user, batch.province_id)
        current = (
            Objection.objects.select_for_update(of=("self",))
            .select_related("entry__assessment", "criterion")
            .get(pk=objection.pk)
        )
        if current.outcome != Outcome.OPEN:
            raise ConflictError(
                _("This objection was already resolved (%(outcome)s).")
                % {"outcome": current.get_outcome_display()},
                code="already_resolved",
            )
        assessment = assessment_services.assessment_lock(current.entry.assessment)
        chain = workflow.chain_of(assessment)
        if outcome == Outcome.UPHELD and to_level not in chain:
            raise ServiceError(
                _("Choose the review level the assessment goes back to."),
                code="invalid_level",
                field="to_level",
            )
        current.outcome = outcome
        current.outcome_reason = reason
        current.to_level = to_level if outcome == Outcome.UPHELD else ""
        current.resolved_at = timezone.now()
        current.resolved_by = user
        current.save(update_fields=["outcome", "outcome_reason", "to_level", "resolved_at", "resolved_by"])
        entry = BatchEntry.objects.select_for_update().get(pk=current.entry_id)
        if outcome == Outcome.DISMISSED:
            still_open = Objection.objects.filter(entry=entry, outcome=Outcome.OPEN).exists()
            if not still_open and entry.state == EntryState.HELD:
                entry.state = EntryState.LISTED
                entry.save(update_fields=["state"])
        elif assessment.state == State.PROPOSED:
            _send_back(assessment=assessment, user=user, objection=current, level=to_level, chain=chain)
            entry.state = EntryState.LEFT
            entry.note = _("Objection upheld: back in review.")
            entry.save(update_fields=["state", "note"])
            # Other open objections on the same community are answered by this one.
            Objection.objects.filter(entry=entry, outcome=Outcome.OPEN).update(
                outcome=Outcome.UPHELD,
                outcome_reason=reason,
                to_level=to_level,
                resolved_at=current.resolved_at,
                resolved_by=user,
            )
        figures_changed(province_id=batch.province_id, year=batch.year)
        _invalidate_public(batch)
    return current


def _send_back(*, assessment: Assessment, user: User, objection: Objection, level: str, chain) -> None:
    from_state = assessment.state
    assessment.state = workflow.state_after_forward(chain, level)
    assessment.review_level = level
    assessment.version += 1
    assessment.save(update_fields=["state", "review_level", "version", "updated_at"])
    if objection.criterion_id:
        comment = _("Objection during the public notice: %(text)s") % {"text": objection.text[:1500]}
        Response.objects.filter(assessment=assessment, criterion_id=objection.criterion_id).update(
            review_comment=comment,
            verdict=Verdict.NOT_CONFIRMED,
            reviewed_at=timezone.now(),
            reviewed_by=user,
        )
    assessment_services.history_append(
        assessment,
        user,
        Action.OBJECTION_UPHELD,
        from_state=from_state,
        to_state=assessment.state,
        reason=objection.outcome_reason,
        data={
            "batch": objection.batch_id,
            "objection": objection.pk,
            "criterion": objection.criterion.number if objection.criterion_id else None,
            "to_level": level,
        },
    )
    users = review_selectors.level_reviewers(assessment=assessment, key=level)
    notify_users(
        users=users,
        assessment=assessment,
        text=_(
            "An objection to %(community)s was upheld: its %(year)s self-assessment is back for your review."
        )
        % {"community": assessment.community.name, "year": assessment.year},
        url=f"/review/{assessment.pk}/",
    )


def objection_contacts_erase(*, now=None) -> int:
    """Erase the objectors' names and phones of batches named more than
    settings.OBJECTION_CONTACT_DAYS ago. Idempotent; answers how many objections were erased."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.OBJECTION_CONTACT_DAYS)
    with transaction.atomic():
        return Objection.objects.filter(
            batch__state=BatchState.NAMED, batch__named_at__lte=cutoff, contact_erased_at__isnull=True
        ).update(objector_name="", objector_phone="", contact_erased_at=now)


# --- Notices and cache ---------------------------------------------------------------------------------


def _community_users(community_ids):
    return User.objects.filter(role=Role.COMMUNITY, community_id__in=community_ids, is_active=True)


def _notify_community(assessment: Assessment, text: str, url: str) -> None:
    notify_users(users=_community_users([assessment.community_id]), assessment=assessment, text=text, url=url)


def _notify_named(batch: Batch, assessments) -> None:
    """One notice per committee member of each named community (one query for the users)."""
    by_community = {}
    for user in _community_users([a.community_id for a in assessments]):
        by_community.setdefault(user.community_id, []).append(user)
    text = _("Your community was named a green community (命名) by %(number)s.") % {
        "number": batch.document_number
    }
    for a in assessments:
        users = by_community.get(a.community_id)
        if users:
            notify_users(users=users, assessment=a, text=text, url=f"/public/batches/{batch.pk}/")


def _invalidate_public(batch: Batch) -> None:
    from .public_cache import invalidate

    transaction.on_commit(lambda: invalidate(batch.pk))
