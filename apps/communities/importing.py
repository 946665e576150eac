"""Parsing and validation of a community registry file (CSV, CSV.GZ or XLSX).

Rows are read as plain dicts with the columns of the national file (code, name, streetCode,
...); Chinese headers of the downloadable template (统计代码, 名称, 街道代码) are accepted too.
"""

import csv
import datetime as dt
import gzip
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

HEADER_ALIASES = {
    "code": "code",
    "统计代码": "code",
    "社区代码": "code",
    "name": "name",
    "名称": "name",
    "社区名称": "name",
    "streetcode": "streetCode",
    "street_code": "streetCode",
    "街道代码": "streetCode",
    "乡级代码": "streetCode",
    # Retirements (the registry's life): a row with a date leaves the registry from that day.
    "retiredon": "retiredOn",
    "retired_on": "retiredOn",
    "撤销日期": "retiredOn",
    "注销日期": "retiredOn",
    "retirement": "retirement",
    "撤销方式": "retirement",
    "撤销类型": "retirement",
    "successor": "successor",
    "承继社区代码": "successor",
    "并入社区代码": "successor",
    "note": "note",
    "备注": "note",
    "批准文号": "note",
}
REQUIRED = ("code", "name", "streetCode")
OPTIONAL = ("retiredOn", "retirement", "successor", "note")
# Spellings of the three ways out of the registry (column 撤销方式).
RETIREMENT_WORDS = {
    "merged": "merged",
    "merge": "merged",
    "合并": "merged",
    "并入": "merged",
    "abolished": "abolished",
    "abolish": "abolished",
    "撤销": "abolished",
    "撤消": "abolished",
    "renamed": "renamed",
    "rename": "renamed",
    "更名": "renamed",
    "改名": "renamed",
}
TEMPLATE_HEADER = ["统计代码", "名称", "街道代码"]
# The template with the optional retirement columns.
TEMPLATE_HEADER_FULL = [*TEMPLATE_HEADER, "撤销日期", "撤销方式", "承继社区代码", "备注"]


@dataclass
class RowError:
    row: int
    column: str
    reason: str
    code: str = "invalid"  # machine-readable, as the API's error code
    heading: str = ""  # the column's heading as the file typed it (统计代码), when known

    @property
    def shown_column(self) -> str:
        """The column as the user knows it: the file's own heading, else our name for it."""
        return self.heading or self.column

    def __str__(self):
        return _('Row %(row)s, column "%(column)s": %(reason)s') % {
            "row": self.row,
            "column": self.shown_column,
            "reason": self.reason,
        }


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class FileFormatError(Exception):
    pass


def _normalise_header(header: list[str]) -> list[str]:
    out = []
    for h in header:
        key = (h or "").strip().lstrip("\ufeff")
        out.append(HEADER_ALIASES.get(key.lower(), HEADER_ALIASES.get(key, key)))
    return out


def _csv_rows(text_stream) -> Iterator[list[str]]:
    yield from csv.reader(text_stream)


def _xlsx_rows(binary) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(binary, read_only=True, data_only=True)
    ws = wb.worksheets[0]
    for values in ws.iter_rows(values_only=True):
        yield [
            "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            for v in values
        ]
    wb.close()


def read_source(source) -> bytes:
    """The bytes of a file given as a path or a binary file object."""
    if isinstance(source, str | Path):
        with open(source, "rb") as binary:
            return binary.read()
    return source.read()


def is_xlsx(raw: bytes) -> bool:
    return raw[:4] == b"PK\x03\x04"


def csv_text(raw: bytes) -> str:
    """The text of a CSV or gzipped CSV (UTF-8 with or without BOM, or GB18030), BOM removed."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise FileFormatError(_("The file cannot be read: %(error)s") % {"error": exc}) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError(_("Unknown text encoding: please use a UTF-8 CSV or an XLSX file."))


def iter_table(source, *, filename: str = "", raw: bytes | None = None) -> Iterator[list[str]]:
    """Yields the rows of a CSV, gzipped CSV or XLSX given as a path, a binary file object or
    its bytes (`raw`)."""
    raw = read_source(source) if raw is None else raw
    if is_xlsx(raw):
        try:
            yield from _xlsx_rows(io.BytesIO(raw))
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise FileFormatError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc
    else:
        yield from _csv_rows(io.StringIO(csv_text(raw), newline=""))


def file_headings(header: list[str]) -> dict[str, str]:
    """Our column names → the headings as the file typed them ({"code": "统计代码", ...}), so that
    errors name the columns the user sees in their own file."""
    headings = {}
    for typed, name in zip(header, _normalise_header(header), strict=False):
        headings.setdefault(name, (typed or "").strip().lstrip("\ufeff"))
    return headings


def registry_positions(header: list[str]) -> dict[str, int]:
    """The positions of the known columns of a registry file's header ({"code": 0, ...})."""
    header = _normalise_header(header)
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileFormatError(
            _("Missing columns: %(columns)s (needed: code, name, streetCode)")
            % {"columns": ", ".join(missing)}
        )
    positions = {}
    for index, name in enumerate(header):
        if name in (*REQUIRED, *OPTIONAL):
            positions.setdefault(name, index)
    return positions


def parse_registry(source, *, filename: str = "") -> tuple[list[str], Iterator[tuple[int, dict]]]:
    rows = iter_table(source, filename=filename)
    try:
        header = _normalise_header(next(rows))
    except StopIteration:
        raise FileFormatError(_("The file is empty.")) from None
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise FileFormatError(
            _("Missing columns: %(columns)s (needed: code, name, streetCode)")
            % {"columns": ", ".join(missing)}
        )

    def gen():
        for number, values in enumerate(rows, start=2):
            if not any((v or "").strip() for v in values):
                continue
            yield (
                number,
                dict(zip(header, (v.strip() if isinstance(v, str) else v for v in values), strict=False)),
            )

    return header, gen()


def parse_registry_columns(
    source, *, filename: str = "", raw: bytes | None = None
) -> tuple[dict[str, int], Iterator[tuple[int, list]]]:
    """The positions of the known columns ({"code": 0, ...}) and the non-empty rows as
    (row number, values): plain lists, no dict per row (the national file has 126,800 rows)."""
    rows = iter_table(source, filename=filename, raw=raw)
    try:
        positions = registry_positions(next(rows))
    except StopIteration:
        raise FileFormatError(_("The file is empty.")) from None

    def gen():
        for number, values in enumerate(rows, start=2):
            if any(v and v.strip() for v in values):
                yield number, values

    return positions, gen()


def split_csv_header(text: str) -> tuple[list[str], str, int]:
    """The header of a CSV text, the text after it, and the header's number of columns."""
    first, _sep, body = text.partition("\n")
    header = next(csv.reader([first.rstrip("\r")]), [])
    if not header:
        raise FileFormatError(_("The file is empty."))
    return header, body, len(header)


def parse_date(value: str) -> dt.date | None:
    """A date as written in a registry file: 2024-06-30, 2024/6/30, 2024.6.30, 20240630,
    2024年6月30日, or Excel's "2024-06-30 00:00:00". None when it cannot be read."""
    text = (value or "").strip()
    if not text:
        return None
    text = text.split(" ")[0].split("T")[0]
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        return None
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        return None
