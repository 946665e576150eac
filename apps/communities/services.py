"""Writes to the community registry: adding, renaming and moving communities, retiring them
(merged, abolished, renamed with a new code) with an effective date. Registry imports are
apps.communities.registry_import."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_manage_registry, is_province_staff
from apps.core.errors import ForbiddenError, ServiceError
from apps.core.events import figures_changed
from apps.core.models import TraceAction, TraceKind
from apps.core.text import control_character_at, control_character_message
from apps.core.trace import trace_append
from apps.regions.models import Region, RegionLevel

from .importing import RowError
from .models import Community, Retirement

CODE_LENGTH = 12
NAME_MAX = 100
FIRST_DAY = dt.date(2020, 1, 1)  # the campaign's first year: registry dates start here


def _street_code(raw: str) -> str:
    """A street code of 9 digits as the 12-digit division code; ASCII digits only ("３１" is not a code)."""
    return raw.ljust(CODE_LENGTH, "0") if raw.isdigit() and raw.isascii() else raw


def _row_errors(number, code, name, street_raw, street_code, streets, seen) -> list[RowError]:
    errors = []
    if not (code.isdigit() and code.isascii() and len(code) == CODE_LENGTH):
        errors.append(RowError(number, "code", _("The code must be 12 digits."), "invalid_code"))
    elif code in seen:
        errors.append(
            RowError(number, "code", _("The code repeats row %(row)s.") % {"row": seen[code]}, "duplicate")
        )
    if not name:
        errors.append(RowError(number, "name", _("The name must not be empty."), "name_required"))
    elif (index := control_character_at(name)) is not None:
        errors.append(
            RowError(number, "name", control_character_message(_("Name"), name, index), "control_character")
        )
    elif len(name) > NAME_MAX:
        errors.append(
            RowError(
                number,
                "name",
                _("The name must not be longer than %(n)s characters.") % {"n": NAME_MAX},
                "name_too_long",
            )
        )
    if street_code not in streets:
        errors.append(
            RowError(
                number,
                "streetCode",
                _("There is no street with code %(code)s.") % {"code": street_raw or "—"},
                "unknown_street",
            )
        )
    elif code.isdigit() and not code.startswith(street_code[:9]):
        errors.append(
            RowError(
                number,
                "code",
                _("The first 9 digits of the code must be the street code."),
                "code_street_mismatch",
            )
        )
    return errors


def community_save(
    *,
    user,
    code: str,
    name: str,
    street_code: str,
    community: Community | None = None,
    established_on: dt.date | None = None,
) -> Community:
    """Create a community (`community` None) or rename / move one, for provincial staff of its
    provincial unit (administrators anywhere). Same rules and messages as a registry import row;
    the code of an existing community never changes. A new community is in the registry from
    `established_on` (None: since before the campaign). Atomic; raises ServiceError; the unit's
    figures are refreshed after commit."""
    if not can_manage_registry(user):
        raise ForbiddenError(_("Only provincial staff can change the community registry."))
    code = (community.code if community else (code or "")).strip()
    name = (name or "").strip()
    street_raw = (street_code or "").strip()
    street_code = _street_code(street_raw)
    streets = _streets_visible(user=user, street_code=street_code)
    _raise_first(_row_errors(0, code, name, street_raw, street_code, streets, {}))
    with transaction.atomic():
        before = _stored_before(community)
        if community is None:
            community = _community_new(code)
        community.name = name
        _community_place(community, street_code=street_code, streets=streets, established_on=established_on)
        community.full_clean(validate_unique=False)
        community.save()
        changed = _record_save(user=user, community=community, before=before)
        if changed:
            figures_changed(
                province_id=community.province_id,
                year=established_on.year if before is None and established_on else FIRST_DAY.year,
            )
    return community


def _streets_visible(*, user, street_code: str) -> dict[str, tuple[str, str, str]]:
    """The street of `street_code` as {code: (county, city, province)} if the user may place a
    community there, else empty: streets of another provincial unit do not exist for provincial staff."""
    streets = {
        s: (county, city, prov)
        for s, county, city, prov in Region.objects.filter(
            pk=street_code, level=RegionLevel.STREET
        ).values_list("code", "county_id", "city_id", "province_id")
    }
    if street_code in streets and is_province_staff(user) and streets[street_code][2] != user.region_id:
        # Streets of another provincial unit do not exist for this user.
        streets = {}
    return streets


def _raise_first(errors: list[RowError]) -> None:
    """Raise the first refusal of a registry row as the ServiceError of the page and the API."""
    if errors:
        first = errors[0]
        raise ServiceError(
            first.reason, code=first.code, field="street" if first.column == "streetCode" else first.column
        )


def _stored_before(community: Community | None) -> tuple[str, str] | None:
    """The community's name and street as stored (None for a new one), to tell what the save changes."""
    before = None if community is None else (community.name, community.street_id)
    if community is not None and community.pk:
        before = Community.objects.filter(pk=community.pk).values_list("name", "street_id").first() or before
    return before


def _community_new(code: str) -> Community:
    """An unsaved community with a code not yet in the registry."""
    if Community.objects.filter(pk=code).exists():
        raise ServiceError(
            _("A community with code %(code)s already exists.") % {"code": code},
            code="duplicate",
            field="code",
        )
    return Community(code=code)


def _community_place(
    community: Community,
    *,
    street_code: str,
    streets: dict[str, tuple[str, str, str]],
    established_on: dt.date | None,
) -> None:
    """Put the community on its street (and the street's county, city, province); a community being
    added also takes its first day in the registry, which lies in the campaign."""
    county, city, prov = streets[street_code]
    if community.pk is None or community._state.adding:
        if established_on is not None and established_on < FIRST_DAY:
            raise ServiceError(_("The date must be on or after 1 January 2020."), field="established_on")
        community.established_on = established_on
    community.street_id, community.county_id, community.city_id, community.province_id = (
        street_code,
        county,
        city,
        prov,
    )


def _record_save(*, user, community: Community, before: tuple[str, str] | None) -> bool:
    """One history entry per community added, renamed or moved through the registry page/API.
    Returns whether anything changed."""
    data: dict[str, object]
    if before is None:
        action, data = TraceAction.ADDED, {"name": community.name, "street": community.street_id}
        if community.established_on:
            data["established_on"] = community.established_on.isoformat()
    elif before == (community.name, community.street_id):
        return False
    else:
        action = TraceAction.MOVED if before[1] != community.street_id else TraceAction.RENAMED
        data = {
            "name": [before[0], community.name],
            "street": [before[1], community.street_id],
        }
    trace_append(
        kind=TraceKind.REGISTRY,
        action=action,
        actor=user,
        subject=community.code,
        subject_label=community.name,
        province_id=community.province_id,
        data=data,
    )
    return True


def community_retire(
    *,
    user,
    community: Community,
    kind: str,
    effective_on: dt.date | None,
    successor_code: str = "",
    successor_name: str = "",
    note: str = "",
) -> Community:
    """Retire a community from the registry from `effective_on` (the first day it no longer
    exists): merged into another community, abolished, or renamed with a new code. For a rename
    the new community may be created in the same step (`successor_name`, same street, in the
    registry from the same day). The community's history and assessments stay; the figures of the
    years before `effective_on`'s year keep counting it, the later ones do not.

    Provincial staff of its unit (administrators anywhere). Atomic, with one history entry; the
    unit's figures are refreshed after commit. Raises ServiceError (the field in `field`)."""

    if not can_manage_registry(user, community.province_id):
        raise ForbiddenError(_("Only provincial staff can change the community registry."))
    successor_code = (successor_code or "").strip()
    effective_on = _retirement_checked(kind=kind, effective_on=effective_on, successor_code=successor_code)
    note = (note or "").strip()[:200]
    with transaction.atomic():
        locked = Community.objects.select_for_update().get(pk=community.pk)
        _retirement_date_checked(locked=locked, effective_on=effective_on)
        successor = None
        if successor_code:
            successor = _successor_for(
                user=user,
                locked=locked,
                kind=kind,
                effective_on=effective_on,
                successor_code=successor_code,
                successor_name=successor_name,
            )
        locked.retired_on = effective_on
        locked.retirement = kind
        locked.successor = successor
        locked.retirement_note = note
        locked.save(update_fields=["retired_on", "retirement", "successor", "retirement_note", "updated_at"])
        trace_append(
            kind=TraceKind.REGISTRY,
            action=TraceAction.RETIRED,
            actor=user,
            subject=locked.code,
            subject_label=locked.name,
            province_id=locked.province_id,
            data={
                "retirement": kind,
                "effective_on": effective_on.isoformat(),
                "successor": successor.code if successor else None,
                "note": note,
            },
        )
        figures_changed(province_id=locked.province_id, year=effective_on.year)
    return locked


def _retirement_checked(*, kind: str, effective_on: dt.date | None, successor_code: str) -> dt.date:
    """The retirement's own fields, before anything is read: a known kind, a date in the campaign,
    a successor exactly when the community was merged or renamed. Returns the date, now given."""
    if kind not in Retirement.values:
        raise ServiceError(_("Choose how the community leaves the registry."), field="kind")
    if effective_on is None:
        raise ServiceError(
            _("Give the date from which the community no longer exists."), field="effective_on"
        )
    if effective_on < FIRST_DAY:
        raise ServiceError(_("The date must be on or after 1 January 2020."), field="effective_on")
    if kind == Retirement.ABOLISHED and successor_code:
        raise ServiceError(
            _("An abolished community has no successor: leave the field empty."), field="successor_code"
        )
    if kind != Retirement.ABOLISHED and not successor_code:
        raise ServiceError(
            _("Give the code of the community it was merged into, or its new code."), field="successor_code"
        )
    return effective_on


def _retirement_date_checked(*, locked: Community, effective_on: dt.date) -> None:
    """The locked community is still in the registry and was added before `effective_on`."""
    if locked.retired_on is not None:
        raise ServiceError(
            _("This community was already retired on %(date)s.") % {"date": locked.retired_on.isoformat()},
            code="already_retired",
            field="effective_on",
        )
    if locked.established_on is not None and effective_on <= locked.established_on:
        raise ServiceError(
            _("The date must be after the day the community was added (%(date)s).")
            % {"date": locked.established_on.isoformat()},
            field="effective_on",
        )


def _successor_for(
    *,
    user,
    locked: Community,
    kind: str,
    effective_on: dt.date,
    successor_code: str,
    successor_name: str,
) -> Community:
    """The community `locked` is merged into or renamed to, in its provincial unit and still in the
    registry on `effective_on`. A rename to a code not yet in the registry creates it when a name
    is given (same street, in the registry from `effective_on`)."""
    if successor_code == locked.code:
        raise ServiceError(_("A community cannot be its own successor."), field="successor_code")
    successor = Community.objects.filter(pk=successor_code, province_id=locked.province_id).first()
    if successor is None and kind == Retirement.RENAMED and (successor_name or "").strip():
        successor = community_save(
            user=user,
            code=successor_code,
            name=successor_name,
            street_code=locked.street_id,
            established_on=effective_on,
        )
    if successor is None:
        raise ServiceError(
            _("There is no community with code %(code)s in your provincial unit.") % {"code": successor_code},
            field="successor_code",
        )
    if successor.retired_on is not None and successor.retired_on <= effective_on:
        raise ServiceError(
            _("The community %(code)s no longer exists on that date.") % {"code": successor_code},
            field="successor_code",
        )
    return successor
