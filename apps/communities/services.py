"""Writes to the community registry: adding, renaming and moving communities, retiring them
(merged, abolished, renamed with a new code) with an effective date, and registry imports."""

import contextlib
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.db import DataError, connection, transaction
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_manage_registry, is_province_staff
from apps.core.errors import ForbiddenError, ServiceError
from apps.core.events import figures_changed
from apps.core.models import TraceAction, TraceKind
from apps.core.text import control_character_at, control_character_message, without_controls
from apps.core.trace import trace_append
from apps.regions.models import Region, RegionLevel

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

CODE_LENGTH = 12
LIST_MAX = 1000  # added codes listed in an import's history entry up to this many
NAME_MAX = 100


FIRST_DAY = dt.date(2020, 1, 1)  # the campaign's first year: registry dates start here


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


def _street_code(raw: str) -> str:
    """A street code of 9 digits as the 12-digit division code; ASCII digits only ("３１" is not a code)."""
    return raw.ljust(CODE_LENGTH, "0") if raw.isdigit() and raw.isascii() else raw


def _province_code(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if len(value) == 2:
        value = value.ljust(12, "0")
    return value


# --- Registry import: parsed in Python, validated and applied in SQL on a staging table ---------

STAGING = "registry_staging"
STAGING_COLUMNS = (
    "row_no",
    "code",
    "code_ok",
    "name",
    "street_raw",
    "street",
    "retired_on",
    "kind",
    "successor",
    "note",
    "date_error",
    "kind_error",
    "name_error",
)


def _staging_rows(rows, positions: dict[str, int]):
    """(row number, values) -> staging tuples. Only light work per row (strip, pad the street
    code); dates and kinds are read only on the (few) retirement rows."""

    def at(name):
        index = positions.get(name)
        return (
            (lambda values: (values[index] or "").strip() if index < len(values) else "")
            if index is not None
            else (lambda values: "")
        )

    code_of, name_of, street_of = at("code"), at("name"), at("streetCode")
    date_of, kind_of, successor_of, note_of = at("retiredOn"), at("retirement"), at("successor"), at("note")
    retiring = "retiredOn" in positions or "retirement" in positions
    label = Community._meta.get_field("name").verbose_name
    for number, values in rows:
        name, name_error = name_of(values), ""
        index = control_character_at(name)
        if index is not None:
            # Reported like the API does; staged without them (PostgreSQL cannot store NUL).
            name_error, name = control_character_message(label, name, index), without_controls(name)
        street_raw = street_of(values)
        street = street_raw.ljust(CODE_LENGTH, "0") if street_raw.isdigit() else street_raw
        code = code_of(values)
        code_ok = 1 if len(code) == CODE_LENGTH and code.isdigit() and code.isascii() else 0
        date_raw = kind_raw = ""
        if retiring:
            date_raw, kind_raw = date_of(values), kind_of(values)
        if not (date_raw or kind_raw):
            yield (number, code, code_ok, name, street_raw, street, None, "", "", "", "", "", name_error)
            continue
        retired_on, kind, date_error, kind_error = _retirement_fields(date_raw, kind_raw)
        yield (
            number,
            code,
            code_ok,
            name,
            street_raw,
            street,
            retired_on,
            kind,
            successor_of(values),
            note_of(values)[:200],
            date_error,
            kind_error,
            name_error,
        )


def _retirement_fields(date_raw: str, kind_raw: str) -> tuple[str, str, str, str]:
    """A retirement row's date (ISO), kind and the codes of what is wrong with them. A retirement
    row always gets a date, so that it is checked as one even when its date is unreadable."""
    from .importing import RETIREMENT_WORDS, parse_date

    retired_on = parse_date(date_raw)
    date_error = "" if retired_on else ("unreadable" if date_raw else "missing")
    if retired_on and retired_on < FIRST_DAY:
        date_error, retired_on = "too_early", None
    kind = RETIREMENT_WORDS.get(kind_raw.strip().lower(), "")
    return (retired_on or FIRST_DAY).isoformat(), kind, date_error, "" if kind else "missing"


@dataclass
class RawCSV:
    """A CSV file's text after its header, for PostgreSQL's COPY (the file is not parsed in Python)."""

    body: str
    columns: int
    positions: dict[str, int]


TRIM = "E' \\t\\r\\n'"


def _stage_raw_csv(cursor, raw: RawCSV) -> None:
    """The fast path on PostgreSQL: COPY the file's rows as they are into a table of text columns,
    then derive the staging rows in one INSERT ... SELECT (trimmed values, padded street codes,
    code format). Only the retirement rows come back to Python, to read their dates."""
    columns = [f"c{i}" for i in range(raw.columns)]
    cursor.execute("DROP TABLE IF EXISTS registry_raw")
    cursor.execute(
        "CREATE TEMPORARY TABLE registry_raw (n integer GENERATED ALWAYS AS IDENTITY, "
        + ", ".join(f"{c} text" for c in columns)
        + ") ON COMMIT DROP"
    )
    cursor.copy_expert(
        f"COPY registry_raw ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)", io.StringIO(raw.body)
    )
    _create_staging_table(cursor, postgres=True)

    def value(name):
        index = raw.positions.get(name)
        return f"btrim(coalesce(c{index}, ''), {TRIM})" if index is not None else "''"

    def blank(index):
        return f"coalesce(btrim(c{index}, {TRIM}), '') = ''"

    # The trimmed values are computed once in the inner query (OFFSET 0 keeps PostgreSQL from
    # inlining them into every expression that uses them); digits are tested with translate(),
    # several times cheaper than a regular expression on 126,800 rows.
    only_digits = "translate({0}, '0123456789', '') = ''"
    cursor.execute(
        f"INSERT INTO {STAGING} ({', '.join(STAGING_COLUMNS)}, street_ok, county_id, city_id, province_id) "  # noqa: S608
        f"SELECT t.*, CASE WHEN g.code IS NULL THEN 0 ELSE 1 END, g.county_id, g.city_id, g.province_id FROM ("
        f"SELECT n + 1, code, CASE WHEN length(code) = 12 AND {only_digits.format('code')} THEN 1 ELSE 0 END, "
        f"name, street_raw, CASE WHEN street_raw <> '' AND length(street_raw) <= 12 "
        f"AND {only_digits.format('street_raw')} THEN rpad(street_raw, 12, '0') ELSE street_raw END AS street, "
        f"NULL::date, '', successor, left(note, 200), '', '', '' FROM (SELECT n, {value('code')} AS code, "
        f"{value('name')} AS name, {value('streetCode')} AS street_raw, {value('successor')} AS successor, "
        f"{value('note')} AS note FROM registry_raw "
        f"WHERE NOT ({' AND '.join(blank(i) for i in range(raw.columns))}) OFFSET 0) r OFFSET 0) t "
        f"LEFT JOIN ({STREET_OF}) g ON g.code = t.street"
    )
    if "retiredOn" in raw.positions or "retirement" in raw.positions:
        cursor.execute(
            f"SELECT n + 1, {value('retiredOn')}, {value('retirement')} FROM registry_raw "  # noqa: S608
            f"WHERE {value('retiredOn')} <> '' OR {value('retirement')} <> ''"
        )
        updates = [
            (*_retirement_fields(date_raw, kind_raw), row_no)
            for row_no, date_raw, kind_raw in cursor.fetchall()
        ]
        if updates:
            cursor.execute(f"CREATE INDEX {STAGING}_row ON {STAGING} (row_no)")
            cursor.executemany(
                f"UPDATE {STAGING} SET retired_on = %s, kind = %s, date_error = %s, kind_error = %s "  # noqa: S608
                "WHERE row_no = %s",
                updates,
            )


def _create_staging_table(cursor, *, postgres: bool) -> None:
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGING} (row_no integer, code text, code_ok integer, name text, street_raw text, "
        f"street text, retired_on {'date' if postgres else 'text'}, kind text, successor text, note text, "
        f"date_error text, kind_error text, name_error text, street_ok integer NOT NULL DEFAULT 0, "
        f"county_id text, city_id text, province_id text){' ON COMMIT DROP' if postgres else ''}"
    )


# Each staged row's street looked up once: whether it exists and the regions above it, for the
# street checks and the rows written.
STREET_OF = (
    "SELECT r.code, r.county_id, r.city_id, r.province_id FROM regions_region r WHERE r.level = 'street'"
)


def _join_streets(cursor) -> None:
    """The careful path: the streets of the staged rows, looked up after loading them."""
    cursor.execute(
        f"UPDATE {STAGING} SET street_ok = 1, county_id = g.county_id, city_id = g.city_id, "  # noqa: S608
        f"province_id = g.province_id FROM ({STREET_OF}) g WHERE g.code = {STAGING}.street"
    )


def _create_staging(cursor, rows) -> bool:
    """Stage the file's rows; whether any of them retires a community."""
    postgres = connection.vendor == "postgresql"
    cursor.execute(f"DROP TABLE IF EXISTS {STAGING}")
    if isinstance(rows, RawCSV):
        try:
            with transaction.atomic():
                _stage_raw_csv(cursor, rows)
        except (DataError, connection.Database.DataError):
            # Rows of uneven length, blank lines...: the careful path parses the text in Python.
            from .importing import _csv_rows

            lines = _csv_rows(io.StringIO(rows.body, newline=""))
            rows = _staging_rows(
                ((n, v) for n, v in enumerate(lines, start=2) if any(x and x.strip() for x in v)),
                rows.positions,
            )
        else:
            return _index_staging(cursor)
    _create_staging_table(cursor, postgres=postgres)
    if postgres:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        buffer.seek(0)
        # NULL only for the empty unquoted field of a row without a retirement date.
        cursor.copy_expert(
            f"COPY {STAGING} ({', '.join(STAGING_COLUMNS)}) FROM STDIN WITH (FORMAT csv, "
            "FORCE_NOT_NULL (code, name, street_raw, street, kind, successor, note, date_error, kind_error, name_error))",
            buffer,
        )
    else:
        placeholders = ", ".join(["%s"] * len(STAGING_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {STAGING} ({', '.join(STAGING_COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
            list(rows),
        )
    _join_streets(cursor)
    return _index_staging(cursor)


def _index_staging(cursor) -> bool:
    """The staging table's index on the code serves the retirement checks (their successors are
    looked up among the file's own rows); a file without retirements is only ever scanned."""
    cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {STAGING} WHERE retired_on IS NOT NULL)")  # noqa: S608
    retirements = cursor.fetchone()[0]
    if retirements:
        cursor.execute(f"CREATE INDEX {STAGING}_code ON {STAGING} (code)")
    return retirements


# Checks on the staging table. Additions and changes are the rows without a retirement date;
# retirements the rows with one. A row's errors are listed in CHECK_ORDER.
#
# ROW_CHECKS look at one staging row each: (error code, column, condition, detail), all of them
# tested in ONE scan of the table. JOIN_CHECKS compare rows with each other, the regions or the
# registry: (error code, column, SQL giving row_no, error code and one detail, for retirements only).
ROW_CHECKS = [
    ("code_format", "code", "code_ok = 0", "''"),
    ("control_character", "name", "name_error <> ''", "name_error"),
    ("name_empty", "name", "retired_on IS NULL AND name = ''", "''"),
    ("name_long", "name", "retired_on IS NULL AND length(name) > 100", "''"),
    ("street_unknown", "streetCode", "retired_on IS NULL AND street_ok = 0", "street_raw"),
    (
        "street_prefix",
        "code",
        "retired_on IS NULL AND street_ok = 1 AND code_ok = 1 AND substr(code, 1, 9) <> substr(street, 1, 9)",
        "''",
    ),
    ("date_unreadable", "retiredOn", "date_error = 'unreadable'", "''"),
    ("date_missing", "retiredOn", "date_error = 'missing'", "''"),
    ("date_early", "retiredOn", "date_error = 'too_early'", "''"),
    ("kind_missing", "retirement", "kind_error <> ''", "''"),
    (
        "successor_missing",
        "successor",
        "retired_on IS NOT NULL AND kind IN ('merged', 'renamed') AND successor = ''",
        "''",
    ),
    ("successor_abolished", "successor", "kind = 'abolished' AND successor <> ''", "''"),
    ("successor_self", "successor", "retired_on IS NOT NULL AND successor = code", "''"),
]
JOIN_CHECKS = [
    (
        "code_repeat",
        "code",
        "SELECT s.row_no, 'code_repeat', d.first_row FROM registry_staging s JOIN (SELECT code, "
        "min(row_no) AS first_row FROM registry_staging WHERE code_ok = 1 GROUP BY code "
        "HAVING count(*) > 1) d ON d.code = s.code WHERE s.row_no > d.first_row",
        False,
    ),
    (
        "retire_unknown",
        "code",
        "SELECT s.row_no, 'retire_unknown', s.code FROM registry_staging s "
        "LEFT JOIN communities_community c ON c.code = s.code "
        "WHERE s.retired_on IS NOT NULL AND s.code_ok = 1 AND c.code IS NULL",
        True,
    ),
    (
        "retire_again",
        "retiredOn",
        "SELECT s.row_no, 'retire_again', c.retired_on FROM registry_staging s JOIN communities_community c "
        "ON c.code = s.code WHERE s.retired_on IS NOT NULL AND s.date_error = '' AND c.retired_on IS NOT NULL "
        "AND (c.retired_on <> s.retired_on OR c.retirement <> s.kind OR coalesce(c.successor_id, '') <> s.successor)",
        True,
    ),
    (
        "retire_before_added",
        "retiredOn",
        "SELECT s.row_no, 'retire_before_added', c.established_on FROM registry_staging s "
        "JOIN communities_community c ON c.code = s.code WHERE s.retired_on IS NOT NULL AND s.date_error = '' "
        "AND c.established_on IS NOT NULL AND s.retired_on <= c.established_on",
        True,
    ),
    (
        "successor_unknown",
        "successor",
        "SELECT s.row_no, 'successor_unknown', s.successor FROM registry_staging s "
        "LEFT JOIN communities_community c ON c.code = s.successor "
        "LEFT JOIN registry_staging added ON added.code = s.successor AND added.retired_on IS NULL "
        "WHERE s.retired_on IS NOT NULL AND s.successor <> '' AND s.successor <> s.code "
        "AND c.code IS NULL AND added.code IS NULL",
        True,
    ),
    (
        "successor_gone",
        "successor",
        "SELECT s.row_no, 'successor_gone', s.successor FROM registry_staging s "
        "LEFT JOIN communities_community c ON c.code = s.successor "
        "LEFT JOIN registry_staging gone ON gone.code = s.successor AND gone.retired_on IS NOT NULL "
        "WHERE s.retired_on IS NOT NULL AND s.date_error = '' AND s.successor <> '' AND s.successor <> s.code "
        "AND ((c.retired_on IS NOT NULL AND c.retired_on <= s.retired_on) "
        "OR (gone.code IS NOT NULL AND gone.retired_on <= s.retired_on))",
        True,
    ),
]
CHECK_ORDER = (
    "code_format",
    "code_repeat",
    "control_character",
    "name_empty",
    "name_long",
    "street_unknown",
    "street_prefix",
    "date_unreadable",
    "date_missing",
    "date_early",
    "kind_missing",
    "retire_unknown",
    "retire_again",
    "retire_before_added",
    "successor_missing",
    "successor_abolished",
    "successor_self",
    "successor_unknown",
    "successor_gone",
)
CHECK_COLUMN = {
    **{error: column for error, column, _c, _d in ROW_CHECKS},
    **{error: column for error, column, _s, _r in JOIN_CHECKS},
}


def _row_checks_sql() -> str:
    """Every ROW_CHECK in one scan: the rows failing any of them, with one 1/0 column per check
    and its detail after it."""
    flags = ", ".join(
        f"CASE WHEN {condition} THEN 1 ELSE 0 END, {detail}" for _e, _col, condition, detail in ROW_CHECKS
    )
    failing = " OR ".join(f"({condition})" for _e, _col, condition, _d in ROW_CHECKS)
    return f"SELECT row_no, {flags} FROM registry_staging WHERE {failing}"  # noqa: S608


def _staging_problems(cursor, *, retirements: bool) -> list[tuple]:
    """(row_no, error code, detail) of every problem of the staged file."""
    cursor.execute(_row_checks_sql())
    problems = [
        (row[0], error, row[2 + 2 * n])
        for row in cursor.fetchall()
        for n, (error, _col, _cond, _detail) in enumerate(ROW_CHECKS)
        if row[1 + 2 * n]
    ]
    for _error, _column, sql, for_retirements in JOIN_CHECKS:
        if for_retirements and not retirements:
            continue
        cursor.execute(sql)
        problems.extend(cursor.fetchall())
    return problems


def _error_message(code: str, detail) -> str:
    detail = "" if detail is None else str(detail)
    messages = {
        "control_character": lambda: detail,
        "code_format": lambda: _("The code must be 12 digits."),
        "code_repeat": lambda: _("The code repeats row %(row)s.") % {"row": detail},
        "name_empty": lambda: _("The name must not be empty."),
        "name_long": lambda: _("The name must not be longer than %(n)s characters.") % {"n": NAME_MAX},
        "street_unknown": lambda: _("There is no street with code %(code)s.") % {"code": detail or "—"},
        "street_prefix": lambda: _("The first 9 digits of the code must be the street code."),
        "date_unreadable": lambda: _("The date cannot be read: write it as 2024-06-30."),
        "date_missing": lambda: _("Give the date from which the community no longer exists."),
        "date_early": lambda: _("The date must be on or after 1 January 2020."),
        "kind_missing": lambda: _(
            "Say how the community leaves the registry: 合并 (merged), 撤销 (abolished) or 更名 (renamed)."
        ),
        "retire_unknown": lambda: (
            _("There is no community with code %(code)s in the registry to retire.") % {"code": detail}
        ),
        "retire_again": lambda: _("This community was already retired on %(date)s.") % {"date": detail[:10]},
        "retire_before_added": lambda: (
            _("The date must be after the day the community was added (%(date)s).") % {"date": detail[:10]}
        ),
        "successor_missing": lambda: _("Give the code of the community it was merged into, or its new code."),
        "successor_abolished": lambda: _("An abolished community has no successor: leave the column empty."),
        "successor_self": lambda: _("A community cannot be its own successor."),
        "successor_unknown": lambda: (
            _("There is no community with code %(code)s, neither in the registry nor added by this file.")
            % {"code": detail}
        ),
        "successor_gone": lambda: (
            _("The community %(code)s no longer exists on that date.") % {"code": detail}
        ),
    }
    return messages[code]()


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
            staged = _staging_rows(rows, positions)
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
        retirements = _create_staging(cursor, staged)
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
        problems = _staging_problems(cursor, retirements=retirements)
        order = {error: n for n, error in enumerate(CHECK_ORDER)}
        result.errors = [
            RowError(row_no, CHECK_COLUMN[error], _error_message(error, detail), code=error)
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
    _record_import(result, filename=filename, province_code=province_code, provinces=provinces, user=user)
    _refresh_figures_after_import(result, provinces)
    result.applied = True
    return result


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


# From this many rows to write, an import loads like PostgreSQL's "Populating a Database" advises:
# the registry's secondary indexes and foreign keys are dropped, the rows written, the btree indexes
# rebuilt and the foreign keys added back NOT VALID (enforced for every row written from then on),
# inside the import's transaction (a failure rolls every step back); readers of the registry wait
# for that second or two. Two things wait until the import has committed, so that nobody waits for
# them: the GIN indexes (the name search's trigram index, the costliest to build: about 0.8 s
# nationally) are built again CONCURRENTLY and the foreign keys validated, by
# `registry_indexes_finish` in the worker; meanwhile the name search reads the table (about 60 ms
# nationally instead of 3). Smaller imports write row by row into the live indexes.
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
    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
    deferred.extend(definition for _name, definition in indexes if " USING gin " in definition)
    later = list(deferred)
    for _name, definition in indexes:
        if definition not in later:
            cursor.execute(definition)
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
    return {"built": built, "validated": validated}


def _apply_staged(cursor, *, effective_on, rows: int, deferred: list[str]) -> list[str]:
    """The writes of an import: one INSERT for the added and changed rows (a plain one into an
    empty, locked registry, else INSERT ... ON CONFLICT), one UPDATE for the retirements. Returns
    the provincial units written to."""
    from django.utils import timezone

    now = timezone.now()
    if connection.vendor != "postgresql":
        now = now.replace(tzinfo=None).isoformat(" ")  # SQLite keeps naive UTC text
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
    elif result.added:
        years.append(result.effective_on.year)
    for province_id in provinces:
        figures_changed(province_id=province_id, year=min(years, default=FIRST_DAY.year))


def _record_import(result: ImportResult, *, filename: str, province_code, provinces, user) -> None:
    """ONE history entry per applied import (counts and the changed and retired codes), not one per
    row: an import of the national file stays one COPY and a few set operations."""
    import hashlib

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
        raise ServiceError(
            first.reason, code=first.code, field="street" if first.column == "streetCode" else first.column
        )
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
        community.full_clean(validate_unique=False)
        community.save()
        changed = _record_save(user=user, community=community, before=before)
        if changed:
            figures_changed(
                province_id=community.province_id,
                year=established_on.year if before is None and established_on else FIRST_DAY.year,
            )
    return community


def _record_save(*, user, community: Community, before: tuple[str, str] | None) -> bool:
    """One history entry per community added, renamed or moved through the registry page/API.
    Returns whether anything changed."""
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

    from .models import Retirement

    if not can_manage_registry(user, community.province_id):
        raise ForbiddenError(_("Only provincial staff can change the community registry."))
    if kind not in Retirement.values:
        raise ServiceError(_("Choose how the community leaves the registry."), field="kind")
    if effective_on is None:
        raise ServiceError(
            _("Give the date from which the community no longer exists."), field="effective_on"
        )
    if effective_on < FIRST_DAY:
        raise ServiceError(_("The date must be on or after 1 January 2020."), field="effective_on")
    successor_code = (successor_code or "").strip()
    note = (note or "").strip()[:200]
    if kind == Retirement.ABOLISHED and successor_code:
        raise ServiceError(
            _("An abolished community has no successor: leave the field empty."), field="successor_code"
        )
    if kind != Retirement.ABOLISHED and not successor_code:
        raise ServiceError(
            _("Give the code of the community it was merged into, or its new code."), field="successor_code"
        )
    with transaction.atomic():
        locked = Community.objects.select_for_update().get(pk=community.pk)
        if locked.retired_on is not None:
            raise ServiceError(
                _("This community was already retired on %(date)s.")
                % {"date": locked.retired_on.isoformat()},
                code="already_retired",
                field="effective_on",
            )
        if locked.established_on is not None and effective_on <= locked.established_on:
            raise ServiceError(
                _("The date must be after the day the community was added (%(date)s).")
                % {"date": locked.established_on.isoformat()},
                field="effective_on",
            )
        successor = None
        if successor_code:
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
                    _("There is no community with code %(code)s in your provincial unit.")
                    % {"code": successor_code},
                    field="successor_code",
                )
            if successor.retired_on is not None and successor.retired_on <= effective_on:
                raise ServiceError(
                    _("The community %(code)s no longer exists on that date.") % {"code": successor_code},
                    field="successor_code",
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
