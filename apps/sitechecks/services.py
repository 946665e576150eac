"""Every write of the site checks: plans, draws, experts and groups, assignments, conflicts,
the offline uploads (idempotent by the device's ids) and the leader's sign-off."""

import secrets
import uuid
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apps.accounts import onetime
from apps.accounts.capabilities import can_configure_province, is_nationwide
from apps.accounts.models import Role, User
from apps.assessments.models import Action, Assessment, State
from apps.assessments.scores import parse_score
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.regions.models import Region
from apps.review import workflow

from . import photos, sampling, selectors
from .models import (
    Assignment,
    AssignmentState,
    Conflict,
    Draw,
    Expert,
    Inspection,
    InspectionGroup,
    InspectionItem,
    InspectionPhoto,
    InspectionPlan,
    Rule,
    SampleEntry,
    SampleState,
    SiteVerdict,
)


def _require_staff(user: User, province_id: str) -> None:
    if not can_configure_province(user, province_id):
        raise ForbiddenError(_("Only the provincial department runs its site checks."))


def _int(value, *, field: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        raise ServiceError(
            _("Type a whole number from %(low)s to %(high)s.") % {"low": low, "high": high}, field=field
        )
    return number


def _district_rules(province_id: str, text: str) -> dict:
    """'310104:count:2; 310105:percent:50' → {county code: {"rule", "value"}} (codes of 6 or 12
    digits, districts of the province only)."""
    rules = {}
    for part in (text or "").replace("；", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        bits = [b.strip() for b in part.replace("：", ":").split(":")]
        if len(bits) != 3 or bits[1] not in Rule.values:
            raise ServiceError(
                _(
                    "Write each district rule as code:rule:number, e.g. 310104:count:2 (rules: all, percent, count)."
                ),
                field="district_rules",
            )
        code = bits[0].ljust(12, "0")
        if not Region.objects.filter(pk=code, level="county", province_id=province_id).exists():
            raise ServiceError(
                _("No district with the code %(code)s in your province.") % {"code": bits[0]},
                field="district_rules",
            )
        rules[code] = {"rule": bits[1], "value": _int(bits[2], field="district_rules", low=0, high=1000)}
    return rules


@transaction.atomic
def plan_set(
    *,
    user: User,
    province_id: str,
    year: int,
    rule: str,
    value,
    min_one: bool = True,
    district_rules: str = "",
    force_objections: bool = True,
    force_demonstration: bool = True,
    force_flagged: bool = False,
    margin=None,
    flag_weight="1",
    seed: str = "",
    return_level: str = "province",
) -> InspectionPlan:
    """Create or change the inspection plan of a provincial unit and year (its department only;
    refused once the sample was handed to the groups)."""
    _require_staff(user, province_id)
    if rule not in Rule.values:
        raise ServiceError(_("Choose a sampling rule."), field="rule")
    value = _int(value, field="value", low=0, high=100 if rule == Rule.PERCENT else 1000)
    margin_text = str(margin or "").strip()
    try:
        margin_value = Decimal(margin_text) if margin_text else None
        weight = Decimal(str(flag_weight or "0").strip())
    except ArithmeticError as exc:
        raise ServiceError(_("Type the margin and the weight as numbers."), field="margin") from exc
    if (margin_value is not None and not 0 <= margin_value <= 100) or not 0 <= weight <= 100:
        raise ServiceError(_("The margin and the weight lie between 0 and 100."), field="margin")
    if return_level not in workflow.LEVEL:
        raise ServiceError(_("Choose the review level a failed check goes back to."), field="return_level")
    seed = (seed or "").strip()[:40] or secrets.token_hex(8)
    plan = InspectionPlan.objects.select_for_update().filter(province_id=province_id, year=year).first()
    if plan is not None and plan.published_at:
        raise ConflictError(_("The sample was handed to the groups: the plan can no longer change."))
    plan = plan or InspectionPlan(province_id=province_id, year=year)
    plan.rule, plan.value, plan.min_one = rule, value, bool(min_one)
    plan.district_rules = _district_rules(province_id, district_rules)
    plan.force_objections, plan.force_demonstration = bool(force_objections), bool(force_demonstration)
    plan.force_flagged, plan.margin, plan.flag_weight = bool(force_flagged), margin_value, weight
    plan.seed, plan.return_level, plan.set_by = seed, return_level, user
    plan.version = (plan.version or 0) + 1 if plan.pk else 1
    plan.save()
    return plan


@transaction.atomic
def sample_draw(*, user: User, plan: InspectionPlan) -> Draw:
    """Draw the sample with the plan's seed and rule and record it (seed, rule, list). Drawing again
    with the same seed and inputs gives the same list; refused once the sample was handed out."""
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    _require_staff(user, plan.province_id)
    if plan.published_at:
        raise ConflictError(_("The sample was already handed to the groups: it cannot be drawn again."))
    frame = selectors.candidates(plan)
    picked = sampling.draw(frame, seed=plan.seed, spec=selectors.spec_of(plan))
    draw = Draw.objects.create(
        plan=plan,
        seed=plan.seed,
        rule=selectors.spec_of(plan).as_dict(),
        codes=[p.candidate.code for p in picked],
        population=len(frame),
        drawn_at=timezone.now(),
        drawn_by=user,
    )
    SampleEntry.objects.bulk_create(
        [
            SampleEntry(
                plan=plan,
                draw=draw,
                assessment_id=p.candidate.assessment_id,
                county_id=p.candidate.county_id,
                reason=p.reason,
                weight=Decimal(str(round(p.candidate.weight, 2))),
            )
            for p in picked
        ]
    )
    return draw


# --- Experts and groups ---------------------------------------------------------------------------


@transaction.atomic
def expert_create(
    *,
    user: User,
    username: str,
    display_name: str,
    work_county: str = "",
    organisation: str = "",
    phone: str = "",
) -> tuple[User, str]:
    """An expert account in the caller's pool (a provincial department: its province's; the
    ministry: the national pool), with a one-time password returned once."""
    if is_nationwide(user):
        pool = None
    elif user.role == Role.PROVINCE and user.region_id:
        pool = user.region_id
    else:
        raise ForbiddenError(_("Only a provincial department or the ministry creates expert accounts."))
    username = (username or "").strip()
    if not username or User.objects.filter(username__iexact=username).exists():
        raise ServiceError(_("Choose a user name that is not taken."), field="username")
    county = None
    if (work_county or "").strip():
        code = work_county.strip().ljust(12, "0")
        county = Region.objects.filter(pk=code, level="county").first()
        if county is None:
            raise ServiceError(_("No district with this code."), field="work_county")
    account = User(
        username=username,
        role=Role.EXPERT,
        display_name=(display_name or "").strip()[:100],
        phone=(phone or "").strip()[:20],
    )
    code = onetime.issue(account)
    account.save()
    Expert.objects.create(
        user=account,
        pool_id=pool,
        work_county=county,
        organisation=(organisation or "")[:100],
        created_by=user,
    )
    return account, code


@transaction.atomic
def group_create(
    *, user: User, plan: InspectionPlan, name: str, leader_id: int, member_ids
) -> InspectionGroup:
    """An inspection group of the plan, from the experts the caller may see; the leader is a member."""
    _require_staff(user, plan.province_id)
    ids = {int(i) for i in member_ids if str(i).isdigit()} | {int(leader_id or 0)}
    experts = list(Expert.objects.visible_to(user).filter(user_id__in=ids))
    if not leader_id or len(experts) != len(ids):
        raise ServiceError(_("Choose the leader and the members among your experts."), field="members")
    if not (name or "").strip():
        raise ServiceError(_("Name the group."), field="name")
    group = InspectionGroup.objects.create(plan=plan, name=name.strip()[:60], leader_id=int(leader_id))
    group.members.set([e.user_id for e in experts])
    return group


def conflict_problem(*, group: InspectionGroup, sample: SampleEntry) -> str | None:
    """Why the group may not inspect the sample's community: a member works in its district, or a
    member declared a conflict on it before."""
    county = sample.assessment.county_id
    near = Expert.objects.filter(user__in=group.members.all(), work_county_id=county).select_related("user")
    declared = Conflict.objects.filter(
        assignment__sample=sample, expert__in=group.members.all()
    ).select_related("expert")
    names = [str(e) for e in near] + [c.expert.display_name or c.expert.username for c in declared]
    if not names:
        return None
    return _("%(names)s may not inspect this community (works in its district or declared a conflict).") % {
        "names": "、".join(names)
    }


@transaction.atomic
def assignment_create(*, user: User, sample: SampleEntry, group: InspectionGroup) -> Assignment:
    """Assign a group to a sampled community (the conflict rule holds); the first assignment hands
    the sample out (no redraw after it)."""
    plan = InspectionPlan.objects.select_for_update().get(pk=sample.plan_id)
    _require_staff(user, plan.province_id)
    if group.plan_id != plan.pk or sample.state != SampleState.HELD:
        raise ConflictError(_("This community cannot be assigned to this group."))
    problem = conflict_problem(group=group, sample=sample)
    if problem:
        raise ServiceError(problem, code="conflict_of_interest", field="group")
    if Assignment.objects.filter(sample=sample, state=AssignmentState.OPEN).exists():
        raise ConflictError(_("This community is already assigned."))
    now = timezone.now()
    if not plan.published_at:
        plan.published_at = now
        plan.save(update_fields=["published_at"])
    return Assignment.objects.create(sample=sample, group=group, assigned_at=now, assigned_by=user)


@transaction.atomic
def conflict_declare(*, user: User, assignment: Assignment, reason: str) -> Conflict:
    """An expert declares a conflict of interest: recorded, the assignment closed for the province to
    reassign to a group without the expert."""
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.state != AssignmentState.OPEN or not locked.group.members.filter(pk=user.pk).exists():
        raise NotFoundError(_("No such assignment."))
    if not (reason or "").strip():
        raise ServiceError(_("Say why (e.g. a relative lives in the community)."), field="reason")
    conflict = Conflict.objects.create(
        assignment=locked, expert=user, reason=reason.strip()[:300], declared_at=timezone.now()
    )
    locked.state, locked.closed_at = AssignmentState.CONFLICT, timezone.now()
    locked.save(update_fields=["state", "closed_at"])
    return conflict


# --- Offline uploads -----------------------------------------------------------------------------


def _uuid(value, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise ServiceError(_("The record has no valid device id."), field=field) from exc


def _upload_assignment(user: User, pk: int) -> Assignment:
    """An assignment of one of the expert's groups, open or closed (a closed one keeps the upload,
    flagged, not applied)."""
    row = Assignment.objects.filter(pk=pk, group__members=user).select_related("sample__assessment").first()
    if row is None or user.role != Role.EXPERT:
        raise NotFoundError(_("No such assignment."))
    return row


def item_upload(
    *,
    user: User,
    assignment_pk: int,
    inspection_id,
    item_id,
    criterion_number,
    verdict: str,
    score="",
    note: str = "",
    client_at: str = "",
    photo_uploads=(),
) -> dict:
    """Save one checklist item and its photos as sent by the phone. Idempotent: the same device ids
    again change nothing but the item's latest text; a photo already received is skipped. A photo
    that is too large or not an image is refused with its message while the rest is saved.
    Answers {"item": device id, "photos": [ids saved or known], "errors": [...], "late": bool}."""
    inspection_uuid = _uuid(inspection_id, field="inspection")
    item_uuid = _uuid(item_id, field="item")
    if verdict not in SiteVerdict.values:
        raise ServiceError(_("Choose a site verdict (符合, 基本符合 or 不符合)."), field="verdict")
    with transaction.atomic():
        assignment = _upload_assignment(user, assignment_pk)
        late = assignment.state != AssignmentState.OPEN
        assessment = assignment.sample.assessment
        criterion = _criterion(assessment, criterion_number)
        site_score = (
            parse_score(score, criterion=criterion, field="score") if criterion.points is not None else None
        )
        now = timezone.now()
        inspection, _created = Inspection.objects.get_or_create(
            device_id=inspection_uuid,
            defaults={"assignment": assignment, "expert": user, "created_at": now, "late": late},
        )
        if inspection.expert_id != user.pk or inspection.assignment_id != assignment.pk:
            # Another expert's or another assignment's record is never overwritten.
            raise ConflictError(_("This record belongs to another device."), code="foreign_record")
        if inspection.signed_off_at:
            raise ConflictError(_("This inspection is signed off: it can no longer change."))
        stamp = parse_datetime(client_at or "") if client_at else None
        item = InspectionItem.objects.filter(device_id=item_uuid).first()
        if item is not None and (item.inspection_id != inspection.pk or item.criterion_id != criterion.pk):
            raise ConflictError(_("This record belongs to another device."), code="foreign_record")
        if item is None:
            item = InspectionItem.objects.filter(inspection=inspection, criterion=criterion).first()
        fields = {
            "verdict": verdict,
            "score": site_score,
            "note": (note or "")[:4000],
            "client_at": stamp,
            "received_at": now,
        }
        if item is None:
            try:
                with transaction.atomic():
                    item = InspectionItem.objects.create(
                        inspection=inspection, criterion=criterion, device_id=item_uuid, **fields
                    )
            except IntegrityError:  # the same item raced in from a retry
                item = InspectionItem.objects.get(device_id=item_uuid)
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            item.save(update_fields=list(fields))
    saved, errors = [], []
    for upload in photo_uploads:
        try:
            saved.append(str(photo_add(item=item, **upload)))
        except ServiceError as exc:
            errors.append({"photo": str(upload.get("device_id", "")), "message": str(exc.message)})
    return {"item": str(item.device_id), "photos": saved, "errors": errors, "late": inspection.late}


def _criterion(assessment: Assessment, number):
    from apps.standards.models import Criterion

    criterion = (
        Criterion.objects.filter(standard_id=assessment.standard_id, number=str(number or "0")[:3]).first()
        if str(number).isdigit()
        else None
    )
    if criterion is None:
        raise ServiceError(_("No such criterion in the community's standard."), field="criterion")
    return criterion


def photo_add(
    *, item: InspectionItem, device_id, file, captured_at: str = "", latitude="", longitude=""
) -> uuid.UUID:
    """Store a photo once (by its device id), without location in the file; the capture time and
    place (EXIF, else what the phone said) are kept in the row."""
    photo_uuid = _uuid(device_id, field="photo")
    if InspectionPhoto.objects.filter(device_id=photo_uuid).exists():
        return photo_uuid
    checked = photos.check(file)
    with transaction.atomic():
        try:
            with transaction.atomic():
                InspectionPhoto.objects.create(
                    item=item,
                    device_id=photo_uuid,
                    file=checked.content,
                    kind=checked.kind,
                    size=checked.size,
                    sha256=checked.sha256,
                    captured_at=checked.captured_at or (parse_datetime(captured_at) if captured_at else None),
                    latitude=checked.latitude
                    if checked.latitude is not None
                    else photos.coordinate(latitude, 90),
                    longitude=checked.longitude
                    if checked.longitude is not None
                    else photos.coordinate(longitude, 180),
                    received_at=timezone.now(),
                )
        except IntegrityError:
            pass
    return photo_uuid


# --- Sign-off and outcome -------------------------------------------------------------------------


@transaction.atomic
def inspection_sign_off(
    *, user: User, assignment: Assignment, passed: bool, conclusion: str = ""
) -> Inspection:
    """The group leader signs off their record: it becomes the community's site check. Passed: the
    community is released to the public notice; failed: back to the plan's review level, with the
    inspection attached to its history."""
    locked = (
        Assignment.objects.select_for_update().select_related("sample__plan", "group").get(pk=assignment.pk)
    )
    if locked.state != AssignmentState.OPEN:
        raise ConflictError(_("This assignment is closed."))
    if locked.group.leader_id != user.pk:
        raise ForbiddenError(_("Only the group leader signs off the inspection."))
    inspection = (
        Inspection.objects.filter(assignment=locked, expert=user, late=False).order_by("created_at").first()
    )
    criteria_count = selectors.checklist(locked, user)[0]
    if inspection is None or inspection.items.count() < len(criteria_count):
        raise ServiceError(_("Give a site verdict on every criterion before signing off."), code="incomplete")
    total = sum((i.score for i in inspection.items.all() if i.score is not None), Decimal(0))
    scored = locked.sample.assessment.standard.is_scored
    now = timezone.now()
    inspection.site_total = total if scored else None
    inspection.passed, inspection.conclusion, inspection.signed_off_at = (
        bool(passed),
        (conclusion or "")[:4000],
        now,
    )
    inspection.save(update_fields=["site_total", "passed", "conclusion", "signed_off_at"])
    locked.state, locked.closed_at = AssignmentState.DONE, now
    locked.save(update_fields=["state", "closed_at"])
    sample = locked.sample
    sample.state = SampleState.PASSED if passed else SampleState.FAILED
    sample.site_total, sample.decided_at = inspection.site_total, now
    sample.save(update_fields=["state", "site_total", "decided_at"])
    if not passed:
        _send_back(sample=sample, user=user, inspection=inspection)
    return inspection


def _send_back(*, sample: SampleEntry, user: User, inspection: Inspection) -> None:
    from apps.assessments import services as assessment_services
    from apps.naming.models import BatchEntry
    from apps.naming.procedure import BatchState, EntryState

    assessment = Assessment.objects.select_for_update().get(pk=sample.assessment_id)
    if assessment.state != State.PROPOSED:
        return
    chain = workflow.chain_of(assessment)
    level = sample.plan.return_level if sample.plan.return_level in chain else chain[-1]
    from_state = assessment.state
    assessment.state = workflow.state_after_forward(chain, level)
    assessment.review_level = level
    assessment.version += 1
    assessment.save(update_fields=["state", "review_level", "version", "updated_at"])
    BatchEntry.objects.filter(
        assessment=assessment, batch__state=BatchState.DRAFT, state__in=(EntryState.LISTED, EntryState.HELD)
    ).update(state=EntryState.LEFT, note=_("Site check failed"))
    assessment_services.history_append(
        assessment,
        user,
        Action.SITE_CHECK_FAILED,
        from_state=from_state,
        to_state=assessment.state,
        reason=inspection.conclusion,
        data={"inspection": inspection.pk, "site_total": str(inspection.site_total or ""), "to_level": level},
    )
