"""Parsing and validation of a community registry file (CSV, CSV.GZ or XLSX).

Rows are read as plain dicts with the columns of the national file (code, name, streetCode,
...); Chinese headers of the downloadable template (统计代码, 名称, 街道代码) are accepted too.
"""

import csv
import gzip
import io
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
}
REQUIRED = ("code", "name", "streetCode")
TEMPLATE_HEADER = ["统计代码", "名称", "街道代码"]


@dataclass
class RowError:
    row: int
    column: str
    reason: str

    def __str__(self):
        return _('Row %(row)s, column "%(column)s": %(reason)s') % {
            "row": self.row,
            "column": self.column,
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


def iter_table(source, *, filename: str = "") -> Iterator[list[str]]:
    """Yields the rows of a CSV, gzipped CSV or XLSX given as a path or a binary file object."""
    if isinstance(source, str | Path):
        filename = filename or str(source)
        binary = open(source, "rb")  # noqa: SIM115  (closed below)
    else:
        binary = source
    try:
        head = binary.read(4)
        binary.seek(0)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(binary, "rt", encoding="utf-8-sig", newline="") as text:
                yield from _csv_rows(text)
        elif head[:4] == b"PK\x03\x04":
            try:
                yield from _xlsx_rows(binary)
            except (zipfile.BadZipFile, KeyError, ValueError) as exc:
                raise FileFormatError(_("The Excel file cannot be read: %(error)s") % {"error": exc}) from exc
        else:
            raw = binary.read()
            for encoding in ("utf-8-sig", "gb18030"):
                try:
                    text = raw.decode(encoding)
                    break
                except UnicodeDecodeError:
                    continue
            else:
                raise FileFormatError(_("Unknown text encoding: please use a UTF-8 CSV or an XLSX file."))
            yield from _csv_rows(io.StringIO(text, newline=""))
    finally:
        if isinstance(source, str | Path):
            binary.close()


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
