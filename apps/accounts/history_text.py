"""The history's entries as readable lines ("名称：甲 → 乙") instead of the raw data dict. The CSV
export keeps the raw data; the page shows these."""

from collections.abc import Callable

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LABELS = {
    "name": gettext_lazy("Name"),
    "street": gettext_lazy("Street"),
    "established_on": gettext_lazy("Established on"),
    "username": gettext_lazy("Username"),
    "display_name": gettext_lazy("Display name"),
    "email": gettext_lazy("Email"),
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "role": gettext_lazy("Role"),
    "region_id": gettext_lazy("Region"),
    "community_id": gettext_lazy("Community"),
    "is_staff": gettext_lazy("Staff"),
    "is_superuser": gettext_lazy("Superuser"),
    "is_active": gettext_lazy("Active"),
    "retirement": gettext_lazy("Way out of the registry"),
    "effective_on": gettext_lazy("Effective on"),
    "successor": gettext_lazy("Successor community"),
    "note": gettext_lazy("Note"),
    "added": gettext_lazy("Added"),
    "changed": gettext_lazy("Changed"),
    "retired": gettext_lazy("Retired"),
    "unchanged": gettext_lazy("Unchanged"),
    "provinces": gettext_lazy("Provincial units"),
    "added_codes": gettext_lazy("Added codes"),
    "changed_codes": gettext_lazy("Renamed or moved"),
    "retired_codes": gettext_lazy("Retired codes"),
    "ip_address": gettext_lazy("IP address"),
    "year": gettext_lazy("Year"),
    "before": gettext_lazy("Before"),
    "after": gettext_lazy("After"),
    "version": gettext_lazy("Version"),
    "criteria": gettext_lazy("Criteria"),
    "total_points": gettext_lazy("Total points"),
    "pass_mark": gettext_lazy("Pass mark"),
    "copied_from": gettext_lazy("Copied from"),
    "one_time_expires": gettext_lazy("One-time password valid until"),
    "bulk": gettext_lazy("Bulk creation"),
    "region": gettext_lazy("Region"),
    "count": gettext_lazy("Number of accounts"),
    "usernames": gettext_lazy("Usernames"),
    "password": gettext_lazy("Password"),
    "forced": gettext_lazy("After a one-time password"),
}
# How a value of a key reads, where the raw value is a code: {(trace kind or None, key): text}.
# The apps that write a kind register theirs in their AppConfig.ready() (accounts imports no
# domain app): e.g. the review chain's "street,county,province" reads as the levels' names.
VALUE_TEXT: dict[tuple[str | None, str], Callable[[object], str]] = {}


def register_value_text(*, key: str, text: Callable[[object], str], kind: str | None = None) -> None:
    VALUE_TEXT[(kind, key)] = text


def _bulk_kind(value) -> str:
    from .bulk import COMMUNITIES, DEPARTMENTS

    names = {COMMUNITIES: _("community committees"), DEPARTMENTS: _("street offices and county departments")}
    return str(names.get(value, value))


register_value_text(key="bulk", text=_bulk_kind)
register_value_text(key="password", text=lambda value: _("set anew") if value == "changed" else str(value))
# Kept in the export, too technical for the page.
HIDDEN = {"added_codes_sha256"}
LIST_SHOWN = 5
ARROW = " → "


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    if isinstance(value, list):
        parts = [_value(v) if not isinstance(v, list) else " ".join(_value(x) for x in v) for v in value]
        shown = "、".join(parts[:LIST_SHOWN])
        if len(parts) > LIST_SHOWN:
            shown += _("… (%(n)s in all)") % {"n": len(parts)}
        return shown
    if isinstance(value, dict):
        return _("; ").join(_line(k, _value(v)) for k, v in value.items())
    if isinstance(value, str) and "T" in value and (moment := parse_datetime(value)) is not None:
        # A moment stored as ISO 8601 (UTC) reads as the local time of the portal (Asia/Shanghai).
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return moment.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _text(key: str, value, kind: str | None) -> str:
    text = VALUE_TEXT.get((kind, key)) or VALUE_TEXT.get((None, key))
    if text is not None and value not in (None, ""):
        return text(value)
    return _value(value)


def _label(key: str) -> str:
    return str(LABELS.get(key, key))


# Values that are lists of their own, never an [old, new] pair.
LISTS = {"provinces", "added_codes", "changed_codes", "retired_codes", "usernames"}


def _is_change(key: str, value) -> bool:
    return (
        key not in LISTS
        and isinstance(value, list)
        and len(value) == 2
        and not any(isinstance(v, list | dict) for v in value)
    )


def _line(key: str, text: str) -> str:
    return _("%(label)s: %(value)s") % {"label": _label(key), "value": text}


def readable_changes(data: dict | None, kind: str | None = None) -> list[str]:
    """One line per recorded field: "label：old → new" for a change, "label：value" otherwise. The
    account's {"changed": {...}}, {"after": {...}} and {"before": {...}} are opened up. Labels, not
    keys; local times, not ISO strings; a kind's coded values in words (VALUE_TEXT)."""
    lines = []
    for key, value in (data or {}).items():
        if key in HIDDEN:
            continue
        if key in ("changed", "after", "before") and isinstance(value, dict):
            lines.extend(readable_changes(value, kind))
        elif _is_change(key, value):
            if value[0] != value[1]:  # a rename keeps its street, a move its name: only what changed
                lines.append(_line(key, f"{_text(key, value[0], kind)}{ARROW}{_text(key, value[1], kind)}"))
        else:
            lines.append(_line(key, _text(key, value, kind)))
    return lines
