"""Evidence downloads: only through the scoped queryset, never from a public URL. The API's
download (apps.api.assessment_views.EvidenceFileView) answers with the same response as the page."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from .files import CONTENT_TYPES, EXTENSIONS
from .models import Evidence
from .selectors import access_evidence


def _serve(evidence: Evidence, field, *, inline: bool, content_type: str, filename: str):
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    # Inline files may be shown in the review page's evidence viewer: an <iframe> of this site only.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'self'"
    if inline:
        response["X-Frame-Options"] = "SAMEORIGIN"
    response["Cache-Control"] = "private, max-age=3600"
    return response


INLINE_KINDS = ("jpeg", "png", "pdf")


def evidence_file_response(evidence: Evidence, *, inline: bool = False):
    """The stored file, streamed under a server-made name. Images and PDFs may open inline (for
    preview); everything else downloads. Content type comes from the sniffed kind, never from the
    upload. `evidence` comes from access_evidence (the caller's scope)."""
    a = evidence.response.assessment
    filename = f"{a.community_id}-{a.year}-c{evidence.response.criterion.number:02d}-{evidence.pk}.{EXTENSIONS[evidence.kind]}"
    return _serve(
        evidence,
        evidence.file,
        inline=inline and evidence.kind in INLINE_KINDS,
        content_type=CONTENT_TYPES[evidence.kind],
        filename=filename,
    )


@login_required
@require_GET
def evidence_download(request, pk):
    evidence = access_evidence(user=request.user, pk=pk)
    return evidence_file_response(evidence, inline=request.GET.get("inline") == "1")


@login_required
@require_GET
def evidence_thumbnail(request, pk):
    evidence = access_evidence(user=request.user, pk=pk)
    if not evidence.thumbnail:
        raise Http404
    return _serve(
        evidence,
        evidence.thumbnail,
        inline=True,
        content_type="image/jpeg",
        filename=f"thumb-{evidence.pk}.jpg",
    )
