"""Every write of the targets app: targets (one by one or imported from XLSX, all or nothing) and
the creation lists. History rows in the same transaction (TargetEvent, hash-chained)."""

import io
import unicodedata
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.communities.models import Community
from apps.core import campaign
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError, ServiceError
from apps.core.history import lock_chain
from apps.regions.models import Region

from .models import CreationListEntry, Target, TargetAction, TargetEvent
from .rules import can_set_target, keeps_creation_list

MAX_IMPORT_ROWS = 5000


def normalise_number(value) -> str:
    """Full-width digits, signs and the per-cent sign as ASCII ("６０．５％" -> "60.5")."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    return text.removesuffix("%").strip()


def parse_share(value, *, required: bool) -> Decimal | None:
    """A share in per cent, 0 to 100, from what a user typed (full-width digits accepted); a
    ValueError with the Chinese reason otherwise."""
    text = normalise_number(value)
    if text == "":
        if required:
            raise ValueError(_("A target share is required."))
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite() or number < 0 or number > 100:
        raise ValueError(_("A target share must be between 0 and 100 %."))
    return number.quantize(Decimal("0.01"))


def parse_count(value) -> int | None:
    text = normalise_number(value)
    if text == "":
        return None
    if not text.isdigit() or int(text) > 1000:
        raise ValueError(
            _("The number of pilot communities per street must be a whole number from 0 to 1000.")
        )
    return int(text)


def year_is_closed(year: int) -> bool:
    """The figures of a year before the campaign year are closed (as of 31 December)."""
    return year < campaign.campaign_year()


def _append_event(*, target: Target, actor, action: str, data: dict) -> TargetEvent:
    lock_chain("targets")
    previous = TargetEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = TargetEvent(
        area_id=target.area_id,
        year=target.year,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        data=data,
        prev_hash=previous or "",
    )
    event.hash = event.compute_hash()
    event.save()
    return event


def _values(target: Target | None) -> dict:
    if target is None:
        return {}
    return {
        "participation": None if target.participation is None else str(target.participation),
        "meeting": str(target.meeting),
        "pilots_per_street": target.pilots_per_street,
    }


def _write(*, user, area: Region, year: int, participation, meeting, pilots, action, expected_version=None):
    if not campaign.FIRST_YEAR <= year <= campaign.campaign_year() + 5:
        raise ServiceError(_("There is no campaign year %(year)s.") % {"year": year}, field="year")
    target = Target.objects.select_for_update().filter(area=area, year=year).first()
    before = _values(target)
    if target is not None and expected_version is not None and target.version != expected_version:
        raise ConflictError(
            _("Somebody else changed this target meanwhile: reload to see their values."), code="stale"
        )
    if target is None:
        target = Target(area=area, year=year)
        event_action = action or TargetAction.SET
    else:
        target.version += 1
        event_action = action or TargetAction.CHANGED
    target.participation = participation
    target.meeting = meeting
    target.pilots_per_street = pilots
    target.set_late = year_is_closed(year)
    target.set_by = user
    target.save()
    after = _values(target)
    if before != after or event_action == TargetAction.SET:
        _append_event(
            target=target,
            actor=user,
            action=event_action,
            data={"before": before, "after": after, "late": target.set_late},
        )
    return target


@transaction.atomic
def target_set(
    *,
    user,
    area: Region,
    year: int,
    participation,
    meeting,
    pilots_per_street=None,
    expected_version: int | None = None,
) -> Target:
    """Set one area's targets of `year` (values as typed: full-width digits are normalised)."""
    if not can_set_target(user, area):
        raise ForbiddenError(_("Only the level above %(area)s sets its targets.") % {"area": area.name})
    try:
        meeting_value = parse_share(meeting, required=True)
    except ValueError as exc:
        raise ServiceError(str(exc), field="meeting") from None
    try:
        participation_value = parse_share(participation, required=False)
    except ValueError as exc:
        raise ServiceError(str(exc), field="participation") from None
    try:
        pilots = parse_count(pilots_per_street)
    except ValueError as exc:
        raise ServiceError(str(exc), field="pilots_per_street") from None
    return _write(
        user=user,
        area=area,
        year=year,
        participation=participation_value,
        meeting=meeting_value,
        pilots=pilots,
        action=None,
        expected_version=expected_version,
    )


class ImportRejected(ServiceError):
    """An import refused as a whole: `problems` lists every row's problem (row number, message)."""

    def __init__(self, problems: list[tuple[int, str]]):
        self.problems = problems
        super().__init__(
            _("Nothing was imported: %(n)s problem(s) in the file.") % {"n": len(problems)},
            code="import_rejected",
        )


def read_xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    """(row number, cells) of the first sheet, header row skipped; ServiceError when not an XLSX."""
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise ServiceError(_("The file is not an Excel workbook (.xlsx)."), field="file") from None
    sheet = book.worksheets[0]
    rows = []
    for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number == 1:
            continue
        cells = list(cells or [])
        if not any(c not in (None, "") for c in cells):
            continue
        rows.append((number, [*cells, None, None, None, None][:4]))
        if len(rows) > MAX_IMPORT_ROWS:
            raise ServiceError(_("At most %(n)s rows per import.") % {"n": MAX_IMPORT_ROWS}, field="file")
    return rows


@transaction.atomic
def targets_import(*, user, year: int, rows: list[tuple[int, list]]) -> int:
    """Import targets of `year` from rows (area code, participation %, meeting %, pilots per street):
    all or nothing; ImportRejected names the row of every problem."""
    problems: list[tuple[int, str]] = []
    parsed = []
    codes = {normalise_number(cells[0]).ljust(12, "0") for _n, cells in rows if cells[0] not in (None, "")}
    areas = Region.objects.in_bulk([c for c in codes if c.isdigit() and len(c) == 12])
    seen: dict[str, int] = {}
    for number, (code, participation, meeting, pilots) in rows:
        code_text = normalise_number(code).ljust(12, "0") if code not in (None, "") else ""
        area = areas.get(code_text)
        if area is None:
            problems.append(
                (
                    number,
                    _("Row %(row)s: no area with code “%(code)s”.") % {"row": number, "code": code or ""},
                )
            )
            continue
        if not can_set_target(user, area):
            problems.append(
                (
                    number,
                    _("Row %(row)s: %(area)s is not an area whose targets you set.")
                    % {"row": number, "area": area.name},
                )
            )
            continue
        if area.code in seen:
            problems.append(
                (
                    number,
                    _("Row %(row)s: %(area)s already appears in row %(first)s.")
                    % {"row": number, "area": area.name, "first": seen[area.code]},
                )
            )
            continue
        seen[area.code] = number
        try:
            values = (
                parse_share(participation, required=False),
                parse_share(meeting, required=True),
                parse_count(pilots),
            )
        except ValueError as exc:
            problems.append((number, _("Row %(row)s: %(reason)s") % {"row": number, "reason": exc}))
            continue
        parsed.append((area, values))
    if not rows:
        problems.append((0, _("The file has no rows below its header.")))
    if problems:
        raise ImportRejected(problems)
    for area, (participation, meeting, pilots) in parsed:
        _write(
            user=user,
            area=area,
            year=year,
            participation=participation,
            meeting=meeting,
            pilots=pilots,
            action=TargetAction.IMPORTED,
        )
    return len(parsed)


# --- creation lists ---------------------------------------------------------------------------


def _list_area(user) -> Region:
    if not keeps_creation_list(user):
        raise ForbiddenError(_("Only a city or county department keeps a creation list."))
    return user.region


@transaction.atomic
def creation_list_add(*, user, year: int, codes: list[str]) -> int:
    """Put communities of the user's city or county on its creation list of `year` (codes typed,
    imported or picked). All or nothing: a code outside the area is refused with its line."""
    area = _list_area(user)
    if not campaign.FIRST_YEAR <= year <= campaign.campaign_year() + 5:
        raise ServiceError(_("There is no campaign year %(year)s.") % {"year": year}, field="year")
    wanted = [normalise_number(c) for c in codes if normalise_number(c)]
    if not wanted:
        raise ServiceError(_("Give at least one community code."), field="codes")
    column = "city_id" if area.level == "city" else "county_id"
    found = set(
        Community.objects.filter(code__in=wanted, **{column: area.code}).values_list("code", flat=True)
    )
    missing = [c for c in wanted if c not in found]
    if missing:
        raise ServiceError(
            _("Not a community of %(area)s: %(codes)s")
            % {"area": area.name, "codes": "、".join(missing[:20])},
            field="codes",
        )
    taken = dict(
        CreationListEntry.objects.filter(year=year, community_id__in=found)
        .exclude(area=area)
        .values_list("community_id", "area__name")
    )
    if taken:
        raise ConflictError(
            _("Already on another area's list: %(codes)s") % {"codes": "、".join(sorted(taken))},
            field="codes",
        )
    existing = set(
        CreationListEntry.objects.filter(year=year, community_id__in=found).values_list(
            "community_id", flat=True
        )
    )
    new = [
        CreationListEntry(year=year, community_id=code, area=area, added_by=user)
        for code in sorted(found - existing)
    ]
    CreationListEntry.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def creation_list_remove(*, user, year: int, code: str) -> None:
    area = _list_area(user)
    deleted, _rows = CreationListEntry.objects.filter(year=year, community_id=code, area=area).delete()
    if not deleted:
        raise NotFoundError(_("This community is not on the list."))


# --- implementation plans ----------------------------------------------------------------------

PLAN_KINDS = ("pdf", "docx")


def plan_request_for(area: Region):
    """The request of `area`'s level above for a plan (None: nobody asked this area)."""
    from .models import PlanRequest
    from .rules import setter_of

    setter = setter_of(area)
    if setter is None:
        return None
    _role, code = setter
    if code is None:
        return PlanRequest.objects.filter(setter__isnull=True).first()
    return PlanRequest.objects.filter(setter_id=code).first()


def _plan_event(*, plan, actor, action: str, data: dict) -> None:
    lock_chain("targets")
    previous = TargetEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = TargetEvent(
        area_id=plan.area_id,
        year=plan.period_from,
        at=timezone.now(),
        actor=actor,
        action=action,
        data=data,
        prev_hash=previous or "",
    )
    event.hash = event.compute_hash()
    event.save()


@transaction.atomic
def plan_file(
    *,
    user,
    uploaded_file,
    document_number: str,
    issued_on,
    co_issuers: str,
    period_from: int,
    period_to: int,
):
    """File (or file again) the implementation plan of the user's own area with the level above.
    The file is checked like evidence (size, type by content: PDF or Word only)."""
    from apps.assessments import files

    from .models import ImplementationPlan, PlanStatus, TargetAction

    area = getattr(user, "region", None)
    if area is None or user.role not in ("province", "city") or area.level == "street":
        raise ForbiddenError(_("Only a provincial, city or county department files its implementation plan."))
    request = plan_request_for(area)
    if request is None:
        raise ServiceError(
            _("The level above has not asked %(area)s for an implementation plan.") % {"area": area.name}
        )
    if not document_number.strip():
        raise ServiceError(_("The document number is required."), field="document_number")
    if period_to < period_from:
        raise ServiceError(_("The period ends before it starts."), field="period_to")
    files.check_size(uploaded_file.size)
    kind = files.sniff(uploaded_file)
    if kind not in PLAN_KINDS:
        raise ServiceError(_("An implementation plan is a PDF or Word (docx) document."), field="file")
    now = timezone.now()
    plan = ImplementationPlan.objects.select_for_update().filter(area=area).first()
    if plan is not None and plan.status == PlanStatus.ACCEPTED:
        raise ConflictError(_("The plan was accepted: it can no longer be replaced."))
    if plan is None:
        plan = ImplementationPlan(area=area)
    else:
        plan.version += 1
    plan.document_number = document_number.strip()
    plan.issued_on = issued_on
    plan.co_issuers = co_issuers.strip()
    plan.period_from, plan.period_to = period_from, period_to
    plan.file_kind = kind
    plan.file_name = (uploaded_file.name or "")[:200]
    plan.sha256 = files.sha256_of(uploaded_file)
    plan.status = PlanStatus.FILED
    plan.filed_at, plan.filed_by = now, user
    plan.due_on = request.due_on
    plan.on_time = timezone.localtime(now, campaign.SHANGHAI).date() <= request.due_on
    plan.file.save(plan.file_name or f"plan.{kind}", uploaded_file, save=False)
    plan.save()
    _plan_event(
        plan=plan,
        actor=user,
        action=TargetAction.PLAN_FILED,
        data={"document_number": plan.document_number, "sha256": plan.sha256, "on_time": plan.on_time},
    )
    return plan


@transaction.atomic
def plan_decide(*, user, plan, decision: str, comments: str = "", expected_version: int | None = None):
    """The level above accepts a filed plan or returns it with comments."""
    from .models import ImplementationPlan, PlanStatus, TargetAction

    plan = ImplementationPlan.objects.select_for_update().get(pk=plan.pk)
    if not can_set_target(user, plan.area):
        raise ForbiddenError(
            _("Only the level above %(area)s decides on its plan.") % {"area": plan.area.name}
        )
    if expected_version is not None and plan.version != expected_version:
        raise ConflictError(_("The plan was filed again meanwhile: reload it first."), code="stale")
    if plan.status != PlanStatus.FILED:
        raise ConflictError(_("Only a filed plan can be accepted or returned."), code="wrong_state")
    if decision == "returned" and not comments.strip():
        raise ServiceError(_("Say what must change when returning a plan."), field="comments")
    if decision not in ("accepted", "returned"):
        raise ServiceError(_("Unknown decision."), field="decision")
    plan.status = decision
    plan.comments = comments.strip()
    plan.decided_at, plan.decided_by = timezone.now(), user
    plan.save()
    _plan_event(
        plan=plan,
        actor=user,
        action=TargetAction.PLAN_ACCEPTED if decision == "accepted" else TargetAction.PLAN_RETURNED,
        data={"comments": plan.comments},
    )
    return plan
