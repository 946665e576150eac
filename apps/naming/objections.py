"""Objections to a batch under public notice (公示): submitted by the public (no account) or
entered by the province's staff, resolved by the province (dismissed, or upheld: the assessment goes
back to review), and the erasure of the objectors' contacts once the batch is long named.

Each service is atomic, checks who may act, writes the assessment's own history in the same
transaction (never who objected), and notifies after commit. A refused request raises ServiceError
and changes nothing; no file is kept from a refused objection.
"""

import datetime as dt
import re

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.assessments import files as evidence_files
from apps.assessments import services as assessment_services
from apps.assessments.models import Action, Assessment, Response, State, Verdict
from apps.core.errors import ConflictError, NotFoundError, ServiceError
from apps.core.events import figures_changed
from apps.core.text import text_check, without_controls
from apps.notices.services import notify_users
from apps.review import selectors as review_selectors
from apps.review import workflow
from apps.standards.models import Criterion

from . import selectors
from .models import Batch, BatchEntry, Objection, ObjectionFile
from .procedure import ACTIVE_ENTRY_STATES, BatchState, EntryState, ObjectionSource, Outcome
from .services import batch_lock, community_notify, province_staff_require, public_pages_invalidate

MAX_OBJECTION_FILES = 5
PHONE_RE = re.compile(r"^(?:\+?86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


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


def _objection_fields_checked(*, source: str, text: str, name: str) -> tuple[str, str]:
    """The objection's way in, its text (required, at most 5,000 characters) and the objector's
    name (required, cut to 60 characters), checked in that order; returns the text and the name."""
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
    return text, name


def _batch_lock_taking_objections(*, batch: Batch, staff: bool, user: User | None) -> Batch:
    """Lock the batch and check it takes this objection: the province's staff until it is named,
    the public only while its notice runs."""
    locked = Batch.objects.select_for_update().filter(pk=batch.pk).first()
    if locked is None or locked.state == BatchState.DRAFT:
        raise NotFoundError(_("This batch does not exist."))
    if staff:
        province_staff_require(user, locked.province_id)
        if locked.state != BatchState.PUBLISHED:
            raise ConflictError(_("This batch has been named: it takes no more objections."), code="closed")
        return locked
    today = selectors.today()
    if locked.state != BatchState.PUBLISHED or today > locked.notice_end:
        raise ConflictError(
            _("The public notice of this batch closed on %(end)s: objections are no longer accepted here.")
            % {"end": locked.notice_end},
            code="closed",
        )
    if today < locked.notice_start:
        raise ConflictError(
            _("The public notice starts on %(start)s.") % {"start": locked.notice_start},
            code="not_started",
        )
    return locked


def _entry_lock(*, batch: Batch, assessment_id) -> BatchEntry:
    """Lock the batch's active entry of the assessment the objection names (an id as typed)."""
    try:
        assessment_id = int(assessment_id)
    except (TypeError, ValueError):
        assessment_id = 0
    entry = (
        BatchEntry.objects.select_for_update(of=("self",))
        .filter(batch=batch, assessment_id=assessment_id, state__in=ACTIVE_ENTRY_STATES)
        .select_related("assessment__community", "assessment__standard")
        .first()
    )
    if entry is None:
        raise ServiceError(
            _("Choose a community of this batch."), code="unknown_community", field="community"
        )
    return entry


def _criterion_of(*, entry: BatchEntry, criterion_number) -> Criterion | None:
    """The criterion of the entry's standard the objection names by number, or None if it names none."""
    if criterion_number in (None, ""):
        return None
    criterion = Criterion.objects.filter(
        standard_id=entry.assessment.standard_id, number=_int_or_none(criterion_number)
    ).first()
    if criterion is None:
        raise ServiceError(
            _("Choose a criterion of the standard, or none."),
            code="unknown_criterion",
            field="criterion",
        )
    return criterion


def _objection_files_store(*, objection: Objection, checked: list[tuple]) -> None:
    """Store the checked uploads as the objection's files; on any failure the files already
    written to storage are deleted again (the transaction undoes the rows)."""
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
    text, name = _objection_fields_checked(source=source, text=text, name=name)
    phone = _clean_phone(phone)
    checked = _checked_files(uploads)
    with transaction.atomic():
        locked = _batch_lock_taking_objections(batch=batch, staff=staff, user=user)
        entry = _entry_lock(batch=locked, assessment_id=assessment_id)
        criterion = _criterion_of(entry=entry, criterion_number=criterion_number)
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
        _objection_files_store(objection=objection, checked=checked)
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
        community_notify(
            entry.assessment,
            _(
                "An objection concerning your community was received during the public notice of %(batch)s; the provincial department will check it."
            )
            % {"batch": locked.title},
            url=f"/assessments/{entry.assessment_id}/",
        )
        public_pages_invalidate(locked)
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
        batch = batch_lock(objection.batch, user)
        province_staff_require(user, batch.province_id)
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
        public_pages_invalidate(batch)
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
