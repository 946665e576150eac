"""Streaming exports (CSV and XLSX) in constant memory, and the community registry export.

Rows come from one query read with `.iterator(chunk_size=...)` (a server-side cursor on
PostgreSQL); CSV is generated while it is sent, XLSX is written by openpyxl's write-only mode to
an anonymous temporary file which is then streamed and disappears when closed.
"""

import csv
import tempfile
from collections.abc import Iterable, Sequence

from django.db.models import FilteredRelation, Q
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _

from apps.assessments.models import State

from .models import Community

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


def _local(value):
    # Times as local wall-clock text (Asia/Shanghai), the same in CSV and XLSX.
    from django.utils import timezone

    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def community_export_rows(*, user, year: int):
    """Communities in the caller's scope with the state of their assessment for `year` (blank: none).
    One query, streamed: a LEFT JOIN on that year's assessment, never a query per community."""
    # Labels are translated now, in the request's language, not later while the response streams.
    labels = {value: str(label) for value, label in State.choices}
    not_started = _("Not started")
    qs = (
        Community.objects.visible_to(user)
        .annotate(current=FilteredRelation("assessments", condition=Q(assessments__year=year)))
        .order_by("code")
        .values_list(
            "code",
            "name",
            "province__name",
            "city__name",
            "county__name",
            "street_id",
            "street__name",
            "current__state",
            "current__submitted_at",
            "current__approved_at",
        )
    )
    return _community_rows(qs, year, labels, not_started)


def _community_rows(qs, year, labels, not_started):
    for code, name, prov, city, county, street, street_name, state, submitted, approved in qs.iterator(
        chunk_size=CHUNK
    ):
        yield (
            code,
            name,
            prov,
            city or "",
            county,
            street,
            street_name,
            year,
            state or "",
            labels.get(state, not_started),
            _local(submitted),
            _local(approved),
        )


def community_export_header() -> list[str]:
    return [
        _("Statistical code"),
        _("Name"),
        _("Provincial unit"),
        _("City"),
        _("County"),
        _("Street code"),
        _("Street"),
        _("Year"),
        _("State code"),
        _("State"),
        _("Submitted at"),
        _("Approved at"),
    ]
