"""Writes to the community registry."""

import csv
import io
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_manage_registry, is_province_staff
from apps.core.errors import ForbiddenError, ServiceError
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append
from apps.regions.models import Region, RegionLevel

from .importing import FileFormatError, RowError, parse_registry
from .models import Community

CODE_LENGTH = 12
LIST_MAX = 1000  # added codes listed in an import's history entry up to this many
NAME_MAX = 100


@dataclass
class ImportResult:
    added: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old name, new name
    unchanged: int = 0
    skipped_other_province: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + self.unchanged

    @property
    def ok(self) -> bool:
        return not self.errors


def _province_code(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 2:
        value = value.ljust(12, "0")
    return value


def community_import(
    *, source, filename: str = "", province: Region | str | None = None, apply: bool = True, user=None
) -> ImportResult:
    """Validate a registry file and, when every row is valid and `apply` is set, upsert it by code.

    All or nothing: one bad row and nothing is written; the result lists every bad row with its
    number, column and reason. Idempotent: importing the same file twice changes nothing the
    second time. With `province`, only rows whose street lies in that provincial-level unit are
    considered (others are counted as skipped); a province user may only import their own.
    """
    province_code = province.pk if isinstance(province, Region) else _province_code(province)
    if user is not None and is_province_staff(user) and province_code != user.region_id:
        raise ForbiddenError(_("Provincial staff can import the registry of their own provincial unit only."))
    if province_code and not Region.objects.filter(pk=province_code, level=RegionLevel.PROVINCE).exists():
        raise ServiceError(
            _("There is no provincial unit with code %(code)s.") % {"code": province_code}, field="province"
        )

    try:
        _header, rows = parse_registry(source, filename=filename)
        rows = list(rows)
    except FileFormatError as exc:
        raise ServiceError(str(exc), field="file") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError(_("The file cannot be read: %(error)s") % {"error": exc}, field="file") from exc

    streets = {
        code: (county, city, prov)
        for code, county, city, prov in Region.objects.filter(level=RegionLevel.STREET)
        .values_list("code", "county_id", "city_id", "province_id")
        .iterator(chunk_size=10000)
    }

    result = ImportResult()
    seen: dict[str, int] = {}
    valid: list[tuple] = []  # (code, name, street, county, city, province): no model instances, for speed
    for number, row in rows:
        code = (row.get("code") or "").strip()
        name = (row.get("name") or "").strip()
        street_raw = (row.get("streetCode") or "").strip()
        street_code = street_raw.ljust(CODE_LENGTH, "0") if street_raw.isdigit() else street_raw
        if province_code and street_code in streets and streets[street_code][2] != province_code:
            result.skipped_other_province += 1
            continue
        row_errors = _row_errors(number, code, name, street_raw, street_code, streets, seen)
        if row_errors:
            result.errors.extend(row_errors)
            continue
        seen[code] = number
        county, city, prov = streets[street_code]
        valid.append((code, name, street_code, county, city, prov))

    if not valid and not result.errors:
        raise ServiceError(_("The file contains no community to import."), field="file")

    existing = {
        code: (name, street)
        for code, name, street in Community.objects.filter(province_id__in={row[5] for row in valid})
        .values_list("code", "name", "street_id")
        .iterator(chunk_size=10000)
    }
    to_write = []
    for row in valid:
        old = existing.get(row[0])
        if old is None:
            result.added.append((row[0], row[1]))
            to_write.append(row)
        elif old != (row[1], row[2]):
            result.changed.append((row[0], old[0], row[1]))
            to_write.append(row)
        else:
            result.unchanged += 1

    if result.errors or not apply:
        return result
    with transaction.atomic():
        _upsert(to_write)
        if to_write:
            _record_import(result, filename=filename, province_code=province_code, valid=valid, user=user)
    result.applied = True
    return result


def _record_import(result: ImportResult, *, filename: str, province_code, valid, user) -> None:
    """ONE history entry per applied import (counts and the changed codes), not one per row: an
    import of the national file stays one COPY and one INSERT."""
    import hashlib

    provinces = sorted({row[5] for row in valid})
    added_codes = [code for code, _name in result.added]
    if province_code is None and len(provinces) == 1:
        province_code = provinces[0]
    trace_append(
        kind=TraceKind.REGISTRY,
        action=TraceAction.IMPORTED,
        actor=user,
        subject="",
        subject_label=filename[:200],
        province_id=province_code,
        data={
            "added": len(result.added),
            "changed": len(result.changed),
            "unchanged": result.unchanged,
            "provinces": provinces,
            # A first import of the national file adds 126,800 rows: beyond LIST_MAX the codes are
            # kept as a digest of the sorted list (checkable against the registry), not listed.
            "added_codes": added_codes if len(added_codes) <= LIST_MAX else None,
            "added_codes_sha256": hashlib.sha256(",".join(sorted(added_codes)).encode()).hexdigest(),
            "changed_codes": [[code, old, new] for code, old, new in result.changed],
        },
    )


UPSERT_COLUMNS = ("code", "name", "street_id", "county_id", "city_id", "province_id")


def _upsert(rows: list[tuple]) -> None:
    """Insert or update rows by code. PostgreSQL: COPY into a temporary table, then one
    INSERT ... ON CONFLICT; elsewhere bulk_create with update_conflicts."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        Community.objects.bulk_create(
            [Community(**dict(zip(UPSERT_COLUMNS, row, strict=True))) for row in rows],
            batch_size=2000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "street", "county", "city", "province"],
        )
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    buffer.seek(0)
    table = Community._meta.db_table
    columns = ", ".join(UPSERT_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in UPSERT_COLUMNS[1:])
    with connection.cursor() as cursor:
        # Dropped at commit; dropped here too for a second import inside one outer transaction.
        cursor.execute("DROP TABLE IF EXISTS community_import")
        cursor.execute(
            f"CREATE TEMPORARY TABLE community_import ({', '.join(c + ' text' for c in UPSERT_COLUMNS)}) ON COMMIT DROP"
        )
        cursor.copy_expert(f"COPY community_import ({columns}) FROM STDIN WITH (FORMAT csv)", buffer)
        cursor.execute(
            f"INSERT INTO {table} ({columns}, updated_at) "  # noqa: S608  (identifiers are ours, values are COPY data)
            f"SELECT {columns}, now() FROM community_import "
            f"ON CONFLICT (code) DO UPDATE SET {updates}, updated_at = now()"
        )


def _row_errors(number, code, name, street_raw, street_code, streets, seen) -> list[RowError]:
    errors = []
    if not (code.isdigit() and len(code) == CODE_LENGTH):
        errors.append(RowError(number, "code", _("The code must be 12 digits.")))
    elif code in seen:
        errors.append(RowError(number, "code", _("The code repeats row %(row)s.") % {"row": seen[code]}))
    if not name:
        errors.append(RowError(number, "name", _("The name must not be empty.")))
    elif len(name) > NAME_MAX:
        errors.append(
            RowError(
                number, "name", _("The name must not be longer than %(n)s characters.") % {"n": NAME_MAX}
            )
        )
    if street_code not in streets:
        errors.append(
            RowError(
                number,
                "streetCode",
                _("There is no street with code %(code)s.") % {"code": street_raw or "—"},
            )
        )
    elif code.isdigit() and not code.startswith(street_code[:9]):
        errors.append(RowError(number, "code", _("The first 9 digits of the code must be the street code.")))
    return errors


def community_save(
    *, user, code: str, name: str, street_code: str, community: Community | None = None
) -> Community:
    """Create a community (`community` None) or rename / move one, for provincial staff of its
    provincial unit (administrators anywhere). Same rules and messages as a registry import row;
    the code of an existing community never changes. Atomic; raises ServiceError."""
    if not can_manage_registry(user):
        raise ForbiddenError(_("Only provincial staff can change the community registry."))
    code = (community.code if community else (code or "")).strip()
    name = (name or "").strip()
    street_raw = (street_code or "").strip()
    street_code = street_raw.ljust(CODE_LENGTH, "0") if street_raw.isdigit() else street_raw
    streets = {
        s: (county, city, prov)
        for s, county, city, prov in Region.objects.filter(
            pk=street_code, level=RegionLevel.STREET
        ).values_list("code", "county_id", "city_id", "province_id")
    }
    if street_code in streets and is_province_staff(user) and streets[street_code][2] != user.region_id:
        # Streets of another provincial unit do not exist for this user.
        streets = {}
    errors = _row_errors(0, code, name, street_raw, street_code, streets, {})
    if errors:
        first = errors[0]
        raise ServiceError(first.reason, field="street" if first.column == "streetCode" else first.column)
    with transaction.atomic():
        before = None if community is None else (community.name, community.street_id)
        if community is not None and community.pk:
            before = (
                Community.objects.filter(pk=community.pk).values_list("name", "street_id").first() or before
            )
        if community is None:
            if Community.objects.filter(pk=code).exists():
                raise ServiceError(
                    _("A community with code %(code)s already exists.") % {"code": code},
                    code="duplicate",
                    field="code",
                )
            community = Community(code=code)
        county, city, prov = streets[street_code]
        community.name = name
        community.street_id, community.county_id, community.city_id, community.province_id = (
            street_code,
            county,
            city,
            prov,
        )
        community.full_clean(validate_unique=False)
        community.save()
        _record_save(user=user, community=community, before=before)
    return community


def _record_save(*, user, community: Community, before: tuple[str, str] | None) -> None:
    """One history entry per community added, renamed or moved through the registry page/API."""
    if before is None:
        action, data = TraceAction.ADDED, {"name": community.name, "street": community.street_id}
    elif before == (community.name, community.street_id):
        return
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
