"""The QR poster (A4, Chinese): the community's name and area, a QR code pointing at its public page
(segno, no external service) and what residents can do there. Many posters (a street, a district)
are one HTML document rendered once by WeasyPrint, in chunks so that progress can be reported."""

from collections.abc import Callable
from pathlib import Path

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

CSS_PATH = Path(__file__).parent / "templates" / "residents" / "pdf" / "poster.css"
CHUNK = 200


def page_url(base_url: str, community_id: str) -> str:
    return base_url.rstrip("/") + reverse("residents:page", kwargs={"code": community_id})


def qr_data_uri(url: str) -> str:
    import segno

    # Error correction M: readable from a printed sheet with some wear; SVG keeps it sharp.
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=4)


def _html(communities, base_url: str) -> str:
    posters = []
    for c in communities:
        url = page_url(base_url, c.code)
        area = "".join(r.name for r in (c.province, c.city, c.county, c.street) if r is not None and r.name)
        posters.append({"community": c, "area": area, "url": url, "qr": qr_data_uri(url)})
    with translation.override("zh-hans"):
        return render_to_string("residents/pdf/poster.html", {"posters": posters})


def render_many(communities, *, base_url: str, progress: Callable[[int], None] | None = None) -> bytes:
    """One PDF with one A4 page per community, in order. Chunks of CHUNK posters are rendered
    separately and their pages joined, reporting progress after each."""
    from weasyprint import CSS, HTML

    from apps.reports.pdf import _fewer_collections

    css = CSS(filename=str(CSS_PATH))
    documents = []
    with _fewer_collections():
        for start in range(0, len(communities), CHUNK):
            chunk = communities[start : start + CHUNK]
            documents.append(HTML(string=_html(chunk, base_url)).render(stylesheets=[css]))
            if progress:
                progress(start + len(chunk))
        first = documents[0]
        pages = [page for doc in documents for page in doc.pages]
        return first.copy(pages).write_pdf()


def render_one(community, *, base_url: str) -> bytes:
    return render_many([community], base_url=base_url)
