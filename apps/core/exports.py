"""Streaming exports (CSV and XLSX) in constant memory, for every download of the portal.

Rows come from one query read with `.iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL); CSV is generated while it is sent, XLSX is written by openpyxl's write-only mode to
an anonymous temporary file which is then streamed and disappears when closed.
"""

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse
from django.utils import timezone

CHUNK = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _Echo:
    def write(self, value):
        return value


def _csv_chunks(header: Sequence[str], rows: Iterable[Sequence]):
    writer = csv.writer(_Echo())
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
    worksheet.append(list(header))
    for row in rows:
        worksheet.append(["" if v is None else v for v in row])
    with tempfile.TemporaryFile(suffix=".xlsx") as handle:
        workbook.save(handle)
        handle.seek(0)
        while chunk := handle.read(block):
            yield chunk


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


def local_time(value) -> str:
    """Times as local wall-clock text (Asia/Shanghai), the same in CSV and XLSX."""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
