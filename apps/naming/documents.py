"""The official documents of a batch as PDFs (WeasyPrint, Noto Sans CJK SC embedded as a subset):
the public notice (公示) and the naming notice (命名), in the layout of an official document: issuing
body, document number (文号), title, body, the date and the list by city and district as the
attachment, pages numbered "第 N 页 共 M 页". Rendered from the batch as it is; the naming notice
exists once the batch is named."""

from pathlib import Path

from django.http import Http404, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from apps.core.pdf import fewer_collections, long_date, page_counter_css

from . import selectors
from .models import Batch
from .procedure import BatchState

CSS_PATH = Path(__file__).parent / "templates" / "naming" / "pdf" / "document.css"
KINDS = ("notice", "naming")


def available(batch: Batch, kind: str) -> bool:
    if kind == "notice":
        return True  # a draft's notice is its preview (staff only: the public sees no draft)
    return kind == "naming" and batch.state == BatchState.NAMED


def render_pdf(batch: Batch, kind: str) -> bytes:
    from weasyprint import CSS, HTML

    proc = selectors.procedure_for(province_id=batch.province_id, year=batch.year)
    issuer = (
        proc.issuing_body if proc and proc.issuing_body else ""
    ) or f"{batch.province.name}住房和城乡建设主管部门"
    # The notice lists every community published; the naming notice the communities named.
    rows = [r for r in selectors.batch_rows(batch) if kind == "notice" or r.state == "named"]
    with translation.override("zh-hans"):
        html = render_to_string(
            f"naming/pdf/{kind}.html",
            {
                "batch": batch,
                "issuer": issuer,
                "groups": selectors.grouped_by_area(rows),
                "count": len(rows),
                "scored": any(r.confirmed_total is not None for r in rows),
                "page_counter": page_counter_css(),
                "start": long_date(batch.notice_start),
                "end": long_date(batch.notice_end),
                "issued_on": long_date(batch.document_date if kind == "naming" else batch.notice_start),
                "procedure": proc,
            },
        )
    with fewer_collections():
        return HTML(string=html, base_url=str(CSS_PATH.parent)).write_pdf(
            stylesheets=[CSS(filename=str(CSS_PATH))]
        )


def pdf_response(batch: Batch, kind: str) -> HttpResponse:
    if kind not in KINDS or not available(batch, kind):
        raise Http404
    name = f"batch-{batch.year}-{batch.number}-{kind}.pdf"
    response = HttpResponse(render_pdf(batch, kind), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
