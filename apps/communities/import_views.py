"""Registry import in the browser, for provincial staff: upload, preview, confirm (all or nothing).

The uploaded file is kept in private storage between preview and confirm, under a random token
remembered in the session; the confirm step applies exactly that file, never a re-upload. The
stage / preview / confirm / discard services and the rules are apps.communities.registry_import
(the `import_communities` command's too).
"""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.accounts.capabilities import can_manage_registry
from apps.core.errors import ServiceError
from apps.core.exports import XLSX_TYPE

from . import registry_import
from .importing import TEMPLATE_HEADER_FULL, parse_date
from .models import Retirement
from .registry_import import StagedImport
from .services import FIRST_DAY

SESSION_KEY = "registry_imports"
IMPORT_MAX_BYTES = 50 * 1024 * 1024
PREVIEW_ROWS = 200


def _require_registry_staff(user):
    if not can_manage_registry(user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def registry_import_upload(request):
    """Step 1: choose a CSV or XLSX file."""
    _require_registry_staff(request.user)
    error, status = "", 200
    effective_raw = (request.POST.get("effective_on") or "").strip()
    effective_error = ""
    if request.method == "POST":
        upload = request.FILES.get("file")
        effective_on = parse_date(effective_raw) if effective_raw else None
        if effective_raw and effective_on is None:
            effective_error, status = _("The date cannot be read: write it as 2024-06-30."), 400
        elif effective_on is not None and effective_on < FIRST_DAY:
            effective_error, status = _("The date must be on or after 1 January 2020."), 400
        elif upload is None:
            error, status = _("Choose a CSV or XLSX file."), 400
        elif upload.size > IMPORT_MAX_BYTES:
            error = _("The file is too large; the limit is %(limit)s MB.") % {
                "limit": IMPORT_MAX_BYTES // 2**20
            }
            status = 413
        else:
            # One pending import per session: a new upload discards the previous, unconfirmed one.
            for old_token, old in list(request.session.get(SESSION_KEY, {}).items()):
                _discard(request, _staged(old_token, old))
            staged = registry_import.registry_import_stage(upload=upload, effective_on=effective_on)
            request.session[SESSION_KEY] = {
                staged.token: {
                    "name": staged.name,
                    "filename": staged.filename,
                    "effective_on": effective_on.isoformat() if effective_on else "",
                }
            }
            return redirect("communities:import-preview", token=staged.token)
    return render(
        request,
        "communities/import_upload.html",
        {
            "error": error,
            "effective_on": effective_raw,
            "effective_error": effective_error,
            "max_bytes": IMPORT_MAX_BYTES,
        },
        status=status,
    )


def _staged(token, entry) -> StagedImport:
    effective = entry.get("effective_on") or ""
    return StagedImport(
        token=token,
        name=entry["name"],
        filename=entry["filename"],
        effective_on=parse_date(effective) if effective else None,
    )


def _pending(request, token) -> StagedImport:
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if not entry or not default_storage.exists(entry["name"]):
        raise Http404
    return _staged(token, entry)


def _discard(request, staged: StagedImport) -> None:
    registry_import.registry_import_discard(staged=staged)
    _forget(request, staged.token)


def _forget(request, token) -> None:
    pending = request.session.get(SESSION_KEY, {})
    pending.pop(token, None)
    request.session[SESSION_KEY] = pending


@login_required
@require_http_methods(["GET", "POST"])
def registry_import_preview(request, token):
    """Step 2: what the file would add, change and leave, and every bad row. POST applies it."""
    _require_registry_staff(request.user)
    staged = _pending(request, token)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        _discard(request, staged)
        messages.info(request, _("The import was cancelled; nothing was changed."))
        return redirect("communities:import")
    run = (
        registry_import.registry_import_confirm
        if request.method == "POST"
        else registry_import.registry_import_preview
    )
    try:
        result = run(staged=staged, user=request.user)
    except ServiceError as exc:
        _discard(request, staged)
        return render(
            request,
            "communities/import_upload.html",
            {"error": exc.message, "max_bytes": IMPORT_MAX_BYTES},
            status=exc.status,
        )
    if result.applied:
        _forget(request, token)  # registry_import_confirm discarded the file
        messages.success(
            request,
            _(
                "Registry updated: %(added)s added, %(changed)s changed, %(retired)s retired, %(unchanged)s unchanged."
            )
            % {
                "added": len(result.added),
                "changed": len(result.changed),
                "retired": len(result.retired),
                "unchanged": result.unchanged,
            },
        )
        return redirect("communities:list")
    return render(
        request,
        "communities/import_preview.html",
        {
            "token": token,
            "filename": staged.filename,
            "result": result,
            "added": result.added[:PREVIEW_ROWS],
            "changed": result.changed[:PREVIEW_ROWS],
            "retired": result.retired[:PREVIEW_ROWS],
            "more_added": max(0, len(result.added) - PREVIEW_ROWS),
            "more_changed": max(0, len(result.changed) - PREVIEW_ROWS),
            "more_retired": max(0, len(result.retired) - PREVIEW_ROWS),
            "retirement_labels": dict(Retirement.choices),
        },
        status=200,
    )


@login_required
@require_GET
def registry_import_template(request, fmt):
    """An empty registry file with the Chinese headers the import expects."""
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = "社区名录"
        sheet.append(TEMPLATE_HEADER_FULL)
        for column in ("A", "C", "D", "E", "F"):
            sheet.column_dimensions[column].width = 16
        sheet.column_dimensions["B"].width = 30
        sheet.column_dimensions["G"].width = 30
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(
            ("\ufeff" + ",".join(TEMPLATE_HEADER_FULL) + "\r\n").encode(), content_type="text/csv"
        )
    response["Content-Disposition"] = f'attachment; filename="community-registry-template.{fmt}"'
    return response
