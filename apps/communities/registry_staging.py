"""The registry import's staging table: the file read once into it (a COPY of the raw CSV on
PostgreSQL, rows parsed in Python otherwise), then every row checked by a few SQL statements, each
problem a code with its row and column (apps.communities.registry_import runs the pipeline)."""

import csv
import io
from dataclasses import dataclass

from django.db import DataError, connection, transaction
from django.utils.translation import gettext as _

from apps.core.text import control_character_at, control_character_message, without_controls

from .models import Community
from .services import CODE_LENGTH, FIRST_DAY, NAME_MAX

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


def staging_rows(rows, positions: dict[str, int]):
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


def create_staging(cursor, rows) -> bool:
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
            rows = staging_rows(
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


def staging_problems(cursor, *, retirements: bool) -> list[tuple]:
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


def error_message(code: str, detail) -> str:
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
