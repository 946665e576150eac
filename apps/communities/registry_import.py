"""The registry import (HackSoft's files/services.py shape): a file is staged (kept in private
storage under a random token), previewed, then confirmed (applied, all or nothing) or discarded.

`community_import` is the pipeline the page, the `import_communities` command and the API share:
parsed in Python, validated and applied in SQL on a staging table (apps.communities.registry_staging).
"""

import contextlib
import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.accounts.capabilities import is_province_staff
from apps.core.errors import ForbiddenError, ServiceError
from apps.core.events import figures_changed
from apps.core.models import TraceAction, TraceKind
from apps.core.text import control_character_at, without_controls
from apps.core.trace import trace_append
from apps.regions.models import Region, RegionLevel

from .counts import registry_changed
from .importing import (
    FileFormatError,
    RowError,
    csv_text,
    file_headings,
    is_xlsx,
    iter_table,
    parse_registry_columns,
    read_source,
    registry_positions,
    split_csv_header,
)
from .models import Community
from .registry_staging import (
    CHECK_COLUMN,
    CHECK_ORDER,
    STAGING,
    RawCSV,
    create_staging,
    error_message,
    staging_problems,
    staging_rows,
)
from .services import FIRST_DAY

LIST_MAX = 1000  # added codes listed in an import's history entry up to this many


@dataclass
class ImportResult:
    added: list[tuple[str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old name, new name
    # code, name, retirement kind, effective date, successor code, successor name
    retired: list[tuple] = field(default_factory=list)
    unchanged: int = 0
    skipped_other_province: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False
    effective_on: dt.date | None = None
    # Indexes a bulk import left for after its commit (registry_indexes_finish builds them).
    deferred_indexes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.added) + len(self.changed) + len(self.retired) + self.unchanged

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
    *,
    source,
    filename: str = "",
    province: Region | str | None = None,
    apply: bool = True,
    user=None,
    effective_on: dt.date | None = None,
) -> ImportResult:
    """Validate a registry file and, when every row is valid and `apply` is set, apply it.

    Rows are added or updated by code; a row with a retirement date (撤销日期, with 撤销方式 and,
    when merged or renamed, 承继社区代码) retires that community from that day. Added communities
    are in the registry from `effective_on` (empty: since before the campaign).

    All or nothing: one bad row and nothing is written; the result lists every bad row with its
    number, column and reason. Idempotent: importing the same file twice changes nothing the
    second time. With `province`, only rows of that provincial-level unit are considered (others
    are counted as skipped); a province user may only import their own. The file is read once
    into a staging table, then validated, compared and applied by SQL statements (a COPY and a
    few set operations at national scale, not one statement or Python check per row). After
    commit the figures of the units it touched are refreshed.
    """
    province_code = province.pk if isinstance(province, Region) else _province_code(province)
    if user is not None and is_province_staff(user) and province_code != user.region_id:
        raise ForbiddenError(_("Provincial staff can import the registry of their own provincial unit only."))
    if province_code and not Region.objects.filter(pk=province_code, level=RegionLevel.PROVINCE).exists():
        raise ServiceError(
            _("There is no provincial unit with code %(code)s.") % {"code": province_code}, field="province"
        )
    if effective_on is not None and effective_on < FIRST_DAY:
        raise ServiceError(_("The date must be on or after 1 January 2020."), field="effective_on")
    try:
        raw = read_source(source)
        text = None if is_xlsx(raw) else csv_text(raw)
        # PostgreSQL cannot store NUL, so a file with control characters takes the careful path,
        # which reports them per row.
        if (
            connection.vendor == "postgresql"
            and text is not None
            and control_character_at(text.replace("\t", " "), multiline=True) is None
        ):
            header, body, columns = split_csv_header(text)
            staged = RawCSV(body=body, columns=columns, positions=registry_positions(header))
        else:
            positions, rows = parse_registry_columns(None, filename=filename, raw=raw)
            staged = staging_rows(rows, positions)
        with transaction.atomic():
            result = _import_staged(
                staged,
                filename=filename,
                province_code=province_code,
                apply=apply,
                user=user,
                effective_on=effective_on,
            )
            if not result.applied:
                transaction.set_rollback(True)  # the staging table goes with it
        if connection.vendor != "postgresql":
            with connection.cursor() as cursor:  # PostgreSQL drops it at commit
                cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
        if result.errors:
            headings = file_headings(next(iter_table(None, filename=filename, raw=raw), []))
            for error in result.errors:
                error.heading = headings.get(error.column, "")
    except FileFormatError as exc:
        raise ServiceError(str(exc), field="file") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ServiceError(_("The file cannot be read: %(error)s") % {"error": exc}, field="file") from exc
    return result


def _import_staged(staged, *, filename, province_code, apply, user, effective_on) -> ImportResult:
    table, community, region = STAGING, Community._meta.db_table, Region._meta.db_table
    result = ImportResult(effective_on=effective_on)
    with connection.cursor() as cursor:
        retirements = create_staging(cursor, staged)
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        staged_count = cursor.fetchone()[0]
        if not staged_count:
            raise ServiceError(_("The file contains no community to import."), field="file")
        if province_code:
            # Rows of another unit: by their street (additions, changes) or by the community they
            # retire. Unknown streets and codes stay, to be reported.
            cursor.execute(
                f"DELETE FROM {table} WHERE (retired_on IS NULL AND street IN "  # noqa: S608
                f"(SELECT code FROM {region} WHERE level = 'street' AND province_id <> %s)) "
                f"OR (retired_on IS NOT NULL AND code IN (SELECT code FROM {community} WHERE province_id <> %s))",
                [province_code, province_code],
            )
            result.skipped_other_province = max(cursor.rowcount, 0)
            staged_count -= result.skipped_other_province
            if not staged_count:
                raise ServiceError(_("The file contains no community to import."), field="file")
        problems = staging_problems(cursor, retirements=retirements)
        order = {error: n for n, error in enumerate(CHECK_ORDER)}
        result.errors = [
            RowError(row_no, CHECK_COLUMN[error], error_message(error, detail), code=error)
            for row_no, error, detail in sorted(problems, key=lambda p: (p[0], order[p[1]]))
        ]
        # What the file would do, compared in SQL with the registry.
        cursor.execute(
            f"SELECT s.code, s.name, c.code IS NULL, c.name FROM {table} s "  # noqa: S608
            f"LEFT JOIN {community} c ON c.code = s.code WHERE s.retired_on IS NULL "
            f"AND (c.code IS NULL OR c.name <> s.name OR c.street_id <> s.street) ORDER BY s.row_no"
        )
        for code, name, is_new, old_name in cursor.fetchall():
            if is_new:
                result.added.append((code, name))
            else:
                result.changed.append((code, old_name, name))
        cursor.execute(
            f"SELECT s.code, c.name, s.kind, s.retired_on, s.successor, "  # noqa: S608
            f"coalesce(succ.name, added.name, '') FROM {table} s JOIN {community} c ON c.code = s.code "
            f"LEFT JOIN {community} succ ON succ.code = s.successor "
            f"LEFT JOIN {table} added ON added.code = s.successor AND added.retired_on IS NULL "
            f"WHERE s.retired_on IS NOT NULL AND c.retired_on IS NULL ORDER BY s.row_no"
        )
        result.retired = [
            (code, name, kind, _as_date(on), successor, successor_name)
            for code, name, kind, on, successor, successor_name in cursor.fetchall()
        ]
        result.unchanged = staged_count - len(result.added) - len(result.changed) - len(result.retired)
        if result.errors or not apply:
            return result
        if not (result.added or result.changed or result.retired):
            result.applied = True
            return result
        provinces = _apply_staged(
            cursor,
            effective_on=effective_on,
            rows=len(result.added) + len(result.changed) + len(result.retired),
            deferred=result.deferred_indexes,
        )
        registry_changed()
    _record_import(result, filename=filename, province_code=province_code, provinces=provinces, user=user)
    _refresh_figures_after_import(result, provinces)
    result.applied = True
    return result


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# From this many rows to write, an import loads like PostgreSQL's "Populating a Database" advises:
# the registry's secondary indexes and foreign keys are dropped, the rows written and the foreign
# keys added back NOT VALID (enforced for every row written from then on), inside the import's
# transaction (a failure rolls every step back); readers of the registry wait for that second or
# two. What only makes reads faster waits until the import has committed, so that nobody waits for
# it under the lock: every secondary index (none of them unique: the primary key stays and checks
# every row) is built again CONCURRENTLY and the foreign keys validated, by
# `registry_indexes_finish` in the worker (about 1.5 s nationally); meanwhile the registry's reads
# scan the table (about 20 ms nationally, 60 ms for the name search, instead of 1-3 ms).
# Smaller imports write row by row into the live indexes.
BULK_ROWS = 20_000


@contextlib.contextmanager
def _bulk_load(cursor, rows: int, deferred: list[str]):
    if connection.vendor != "postgresql" or rows < BULK_ROWS:
        yield False
        return
    table = Community._meta.db_table
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary AND NOT x.indisunique",
        [table],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
        "AND contype = 'f'",
        [table],
    )
    foreign_keys = cursor.fetchall()
    for name, _definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield True  # the registry is locked (ACCESS EXCLUSIVE) until the import commits
    deferred.extend(definition for _name, definition in indexes)
    later = list(deferred)
    for name, definition in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID')
    transaction.on_commit(lambda: _finish_later(later))


def _finish_later(definitions: list[str]) -> None:
    from .tasks import finish_registry_indexes

    finish_registry_indexes.delay(definitions)


def registry_indexes_finish(*, definitions: list[str]) -> dict:
    """What a bulk import left for after its commit: build each index of `definitions` (from
    pg_get_indexdef) that is missing or left invalid by an interrupted build, and validate the
    registry's foreign keys added NOT VALID. Idempotent. CONCURRENTLY, so reads and writes of the
    registry go on, unless called inside a transaction (then a plain build, which must be)."""
    table = Community._meta.db_table
    concurrently = "" if connection.in_atomic_block else "CONCURRENTLY "
    built, validated = [], []
    with connection.cursor() as cursor:
        # Memory for the sorts of the builds, for this session's builds only.
        cursor.execute(f"SET {'' if concurrently else 'LOCAL '}maintenance_work_mem = '256MB'")
        for definition in definitions:
            name = definition.split()[2]
            cursor.execute(
                "SELECT x.indisvalid FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE i.relname = %s",
                [name],
            )
            row = cursor.fetchone()
            if row and row[0]:
                continue
            if row:
                cursor.execute(f'DROP INDEX {concurrently}IF EXISTS "{name}"')
            cursor.execute(definition.replace("CREATE INDEX ", f"CREATE INDEX {concurrently}", 1))
            built.append(name)
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f' "
            "AND NOT convalidated",
            [table],
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"')
            validated.append(name)
        if concurrently:
            cursor.execute("RESET maintenance_work_mem")
    return {"built": built, "validated": validated}


def _apply_staged(cursor, *, effective_on, rows: int, deferred: list[str]) -> list[str]:
    """The writes of an import: one INSERT for the added and changed rows (a plain one into an
    empty, locked registry, else INSERT ... ON CONFLICT), one UPDATE for the retirements. Returns
    the provincial units written to."""
    from django.utils import timezone

    moment = timezone.now()
    # SQLite keeps naive UTC text.
    now = moment if connection.vendor == "postgresql" else moment.replace(tzinfo=None).isoformat(" ")
    established = effective_on.isoformat() if effective_on else None
    with _bulk_load(cursor, rows, deferred) as locked:
        empty = False
        if locked:
            cursor.execute(f"SELECT NOT EXISTS (SELECT 1 FROM {Community._meta.db_table})")  # noqa: S608
            empty = cursor.fetchone()[0]
        return _write_staged(cursor, established=established, now=now, empty=empty)


def _write_staged(cursor, *, established, now, empty: bool) -> list[str]:
    table, community = STAGING, Community._meta.db_table
    columns = (
        "code, name, street_id, county_id, city_id, province_id, established_on, retirement, "
        "retirement_note, updated_at"
    )
    rows = (
        f"SELECT s.code, s.name, s.street, s.county_id, s.city_id, s.province_id, %s, '', '', %s "  # noqa: S608
        f"FROM {table} s"
    )
    if empty:
        # Nothing to compare with or conflict on: the first import of a registry.
        insert = f"INSERT INTO {community} ({columns}) {rows} WHERE s.retired_on IS NULL"  # noqa: S608
    else:
        insert = (
            f"INSERT INTO {community} ({columns}) {rows} "  # noqa: S608
            f"LEFT JOIN {community} c ON c.code = s.code WHERE s.retired_on IS NULL "
            f"AND (c.code IS NULL OR c.name <> s.name OR c.street_id <> s.street) "
            f"ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, street_id = EXCLUDED.street_id, "
            f"county_id = EXCLUDED.county_id, city_id = EXCLUDED.city_id, "
            f"province_id = EXCLUDED.province_id, updated_at = EXCLUDED.updated_at"
        )
    # The units written to come back from the INSERT itself (on PostgreSQL distinct already).
    if connection.vendor == "postgresql":
        insert = f"WITH written AS ({insert} RETURNING province_id) SELECT DISTINCT province_id FROM written"  # noqa: S608
    else:
        insert += " RETURNING province_id"
    cursor.execute(insert, [established, now])
    provinces = {row[0] for row in cursor.fetchall()}
    cursor.execute(
        f"UPDATE {community} SET retired_on = s.retired_on, retirement = s.kind, "  # noqa: S608
        f"successor_id = CASE WHEN s.successor = '' THEN NULL ELSE s.successor END, "
        f"retirement_note = s.note, updated_at = %s FROM {table} s "
        f"WHERE {community}.code = s.code AND s.retired_on IS NOT NULL AND {community}.retired_on IS NULL "
        f"RETURNING {community}.province_id",
        [now],
    )
    provinces.update(row[0] for row in cursor.fetchall())
    return sorted(provinces)


def _refresh_figures_after_import(result: ImportResult, provinces: list[str]) -> None:
    """The figures of every unit the import touched, from the first year it can move: the year
    of the earliest retirement, the additions' effective year, or every year (additions without
    a date and renames or moves change the registry of every year)."""
    years = [on.year for _c, _n, _k, on, _s, _sn in result.retired]
    if result.changed or (result.added and result.effective_on is None):
        years.append(FIRST_DAY.year)
    elif result.added and result.effective_on is not None:
        years.append(result.effective_on.year)
    for province_id in provinces:
        figures_changed(province_id=province_id, year=min(years, default=FIRST_DAY.year))


def _record_import(result: ImportResult, *, filename: str, province_code, provinces, user) -> None:
    """ONE history entry per applied import (counts and the changed and retired codes), not one per
    row: an import of the national file stays one COPY and a few set operations."""
    added_codes = [code for code, _name in result.added]
    if province_code is None and len(provinces) == 1:
        province_code = provinces[0]
    trace_append(
        kind=TraceKind.REGISTRY,
        action=TraceAction.IMPORTED,
        actor=user,
        subject="",
        subject_label=without_controls(filename)[:200],
        province_id=province_code,
        data={
            "added": len(result.added),
            "changed": len(result.changed),
            "retired": len(result.retired),
            "unchanged": result.unchanged,
            "provinces": provinces,
            "effective_on": result.effective_on.isoformat() if result.effective_on else None,
            # A first import of the national file adds 126,800 rows: beyond LIST_MAX the codes are
            # kept as a digest of the sorted list (checkable against the registry), not listed.
            "added_codes": added_codes if len(added_codes) <= LIST_MAX else None,
            "added_codes_sha256": hashlib.sha256(",".join(sorted(added_codes)).encode()).hexdigest(),
            "changed_codes": [[code, old, new] for code, old, new in result.changed],
            "retired_codes": [
                [code, kind, on.isoformat(), successor or None]
                for code, _name, kind, on, successor, _sn in result.retired
            ],
        },
    )


# --- Stage, preview, confirm, discard -----------------------------------------------------------


@dataclass(frozen=True)
class StagedImport:
    """A registry file waiting in private storage between its preview and its confirmation."""

    token: str
    name: str  # its name in storage
    filename: str
    effective_on: dt.date | None = None


def registry_import_stage(*, upload, effective_on: dt.date | None = None) -> StagedImport:
    """Keep an uploaded registry file in private storage under a random token, for its preview and
    its confirmation (which applies exactly that file, never a re-upload). Writes no registry row."""
    token = secrets.token_urlsafe(16)
    name = default_storage.save(f"imports/{token}", upload)
    return StagedImport(
        token=token, name=name, filename=(upload.name or "")[-200:], effective_on=effective_on
    )


def _staged_run(staged: StagedImport, *, user, apply: bool) -> ImportResult:
    with default_storage.open(staged.name, "rb") as handle:
        source = io.BytesIO(handle.read())
    return community_import(
        source=source,
        filename=staged.filename,
        province=user.region if is_province_staff(user) else None,
        apply=apply,
        user=user,
        effective_on=staged.effective_on,
    )


def registry_import_preview(*, staged: StagedImport, user) -> ImportResult:
    """What the staged file would add, change, retire and leave, and every bad row. Writes nothing."""
    return _staged_run(staged, user=user, apply=False)


def registry_import_confirm(*, staged: StagedImport, user) -> ImportResult:
    """Apply the staged file (all or nothing, community_import) and, once applied, discard it.
    A file with bad rows is left staged and the result lists them."""
    result = _staged_run(staged, user=user, apply=True)
    if result.applied:
        registry_import_discard(staged=staged)
    return result


def registry_import_discard(*, staged: StagedImport) -> None:
    """Forget a staged file (cancelled, replaced by a new upload, applied or unreadable). Idempotent."""
    default_storage.delete(staged.name)
