"""Streaming exports (CSV and XLSX) in constant memory, for every download of the portal.

Rows come from one query read with `.iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL); CSV is generated while it is sent, XLSX is written by openpyxl's write-only mode to
an anonymous temporary file which is then streamed and disappears when closed.

Exports are opened in Excel and WPS, which run a cell that starts with = + - @ (and, in some
versions, | % tab or CR) as a formula: a community named `=HYPERLINK(...)` would become a live
link. Every text cell of both formats goes through `neutralise()` (a leading apostrophe, the
rule of defusedcsv, over a wider set of first characters), and XLSX text cells are typed as
strings, never formulas. Numbers stay numbers. Nothing else in the portal writes CSV or XLSX from user data.
"""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Sequence
from numbers import Number

from django.http import StreamingHttpResponse
from django.utils import timezone

CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


class Verbatim(tuple):
    """The last cells of a row when each is a text of the portal's own catalogue (a rating, a
    verdict) or "": none can start a formula, so both writers take them as they are, without a
    `neutralise` call per cell (two thirds of a national assessments export's 1.4 million cells,
    issue 29). Never for text that came from a user or a file."""

    __slots__ = ()


class _NeutralWriter:
    def __init__(self, writer):
        self.writer = writer

    def writerow(self, row):
        if row and row[-1].__class__ is Verbatim:
            return self.writer.writerow([*map(neutralise, row[:-1]), *row[-1]])
        return self.writer.writerow([neutralise(v) for v in row])


# First characters that make a spreadsheet read a cell as a formula or a DDE command.
FORMULA_START = ("=", "+", "-", "@", "|", "%", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^-?[0-9][0-9,.]*$")
# Characters that XML 1.0, hence XLSX, cannot hold (openpyxl refuses them): C0 controls but tab,
# newline and CR. Such text predates the input checks (apps.core.text); it is dropped on export.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value):
    """A cell value safe to open in a spreadsheet: text starting like a formula gets a leading
    apostrophe (and `|` escaped), as defusedcsv does; numbers (and plain negative numbers written
    as text, such as "-12.5") and dates are left as they are, None stays None."""
    if value.__class__ is str:  # most cells: no abstract-class check (a national export has ~1.4M)
        text = value
    elif value is None or isinstance(value, Number | dt.date):
        return value
    else:
        text = str(value)
    if text and text[0] in FORMULA_START and not _PLAIN_NUMBER.match(text):
        return "'" + text.replace("|", "\\|")
    return text


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence]):
    # The csv module writes what `neutralise` made safe. defusedcsv's writer applied its rule a
    # second time, always for nothing (its first characters and its number pattern are within
    # neutralise's), and took a third of a national export's CPU (issue 29).
    writer = _NeutralWriter(csv.writer(_Echo()))
    yield "\ufeff" + writer.writerow(header)  # BOM: Excel opens UTF-8 Chinese correctly
    batch = []
    for row in rows:
        batch.append(writer.writerow(row))
        if len(batch) >= CHUNK:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def stream_csv(*, filename: str, header: Sequence[str], rows: Iterable[Sequence]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        (chunk.encode("utf-8") for chunk in _csv_chunks(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx_chunks(sheet: str, header: Sequence[str], rows: Iterable[Sequence], block: int = 64 * 1024):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=sheet[:31])
    worksheet.append(_xlsx_row(worksheet, header))
    for row in rows:
        worksheet.append(_xlsx_row(worksheet, row))
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(block):
            yield chunk


def _xlsx_row(worksheet, values: Sequence) -> list:
    """Numbers as numbers; every other value as a string cell (data type "s"), so that openpyxl
    never stores it as a formula, whatever it starts with.

    openpyxl types a plain str as a string cell itself unless it starts with "=" (a formula) or is
    an error code ("#N/A" ...): only those are passed as cells typed "s" by hand. A cell object
    costs openpyxl a refused assignment (an exception with the cell's repr) per cell: a quarter of
    a national XLSX export's CPU (issue 29)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    cells: list = []
    for value in values:
        if value.__class__ is Verbatim:
            cells.extend(value)
            continue
        value = neutralise(value)
        if value is None or isinstance(value, Number | dt.date):
            cells.append("" if value is None else value)
            continue
        text = _XML_ILLEGAL.sub("", value)
        if not text.startswith("=") and text not in ERROR_CODES:
            cells.append(text)
            continue
        cell = WriteOnlyCell(worksheet, value=text)
        cell.data_type = "s"
        cells.append(cell)
    return cells


def stream_xlsx(*, filename: str, sheet: str, header: Sequence[str], rows: Iterable[Sequence]):
    """The workbook is built inside the response iterator, so the headers go out at once and a slow
    national export does not hold the view; rows go to openpyxl's write-only temp file, not memory."""
    response = StreamingHttpResponse(_xlsx_chunks(sheet, header, rows), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_response(*, fmt: str, basename: str, sheet: str, header, rows):
    if fmt == "xlsx":
        return stream_xlsx(filename=f"{basename}.xlsx", sheet=sheet, header=header, rows=rows)
    return stream_csv(filename=f"{basename}.csv", header=header, rows=rows)


def local_time(value, zone=None) -> str:
    """Times as local wall-clock text (Asia/Shanghai), the same in CSV and XLSX. `zone`: the
    current time zone when the caller has already looked it up (a long export)."""
    return timezone.localtime(value, zone).strftime("%Y-%m-%d %H:%M") if value else ""


def place_cells(code, name, province, city, county, street) -> tuple:
    """A community's code and name and its region codes, as the exports write them (a county right
    under its province, as in the municipalities, has no city: blank)."""
    return (code, name, province, city or "", county, street)
