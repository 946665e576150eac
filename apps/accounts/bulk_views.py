"""Bulk creation pages: choose a region and see the preview (GET), confirm (POST: all or nothing),
then the sheet of one-time passwords, shown once and downloadable (XLSX, CSV) from this session
until the user says it is saved."""

import contextlib
import secrets
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_POST

from apps.core import campaign
from apps.core.errors import ServiceError
from apps.core.exports import export_response

from . import bulk, onetime
from .forms import BulkForm
from .managing import can_manage_accounts

SESSION_KEY = "accounts_bulk_sheets"


def _require_manager(user):
    if not can_manage_accounts(user):
        raise PermissionDenied


@login_required
@require_GET
def bulk_page(request):
    _require_manager(request.user)
    form = BulkForm(request.GET or None, user=request.user)
    preview, status = None, 200
    if form.is_bound:
        if form.is_valid():
            try:
                preview = bulk.bulk_preview(
                    actor=request.user, region=form.cleaned_data["region"], kind=form.cleaned_data["kind"]
                )
            except ServiceError as error:
                form.add_error("kind" if error.code == "forbidden" else "region", error.message)
                status = 400
        else:
            status = 400
    return render(request, "accounts/bulk.html", {"form": form, "preview": preview}, status=status)


@login_required
@require_POST
def bulk_confirm(request):
    _require_manager(request.user)
    form = BulkForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "accounts/bulk.html", {"form": form, "preview": None}, status=400)
    region, kind = form.cleaned_data["region"], form.cleaned_data["kind"]
    expected = request.POST.get("expected")
    try:
        sheet = bulk.bulk_create_accounts(
            actor=request.user,
            region=region,
            kind=kind,
            expected=int(expected) if (expected or "").isdigit() else None,
        )
    except ServiceError as error:
        preview = None
        with contextlib.suppress(ServiceError):
            preview = bulk.bulk_preview(actor=request.user, region=region, kind=kind)
        form.add_error(None, error.message)
        return render(request, "accounts/bulk.html", {"form": form, "preview": preview}, status=error.status)
    token = secrets.token_urlsafe(16)
    sheets = request.session.get(SESSION_KEY, {})
    expires = campaign.today() + timedelta(days=onetime.one_time_days())
    sheets[token] = {"region": region.name, "rows": sheet, "expires": expires.isoformat()}
    request.session[SESSION_KEY] = sheets
    response = render(
        request,
        "accounts/bulk_result.html",
        {
            "sheet": sheet,
            "token": token,
            "region": region,
            "sign_in_url": request.build_absolute_uri(reverse("login")),
            "expires": expires,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


# Marked for extraction; translated when the sheet is written, in the user's language.
SHEET_HEADER = (
    gettext_noop("Username"),
    gettext_noop("Name"),
    gettext_noop("Code"),
    gettext_noop("One-time password"),
    gettext_noop("Sign in at"),
    gettext_noop("What to do first"),
)


def first_steps(expires: str) -> str:
    """What the sheet tells each community, on its own line (the line is cut out and handed over)."""
    return _(
        "Open the sign-in address, sign in with this username and one-time password, then choose "
        "your own password (at least 10 characters) before anything else. The one-time password "
        "works until %(date)s; after that ask the level above for a new one."
    ) % {"date": expires}


@login_required
@require_GET
def bulk_sheet(request, token, fmt):
    _require_manager(request.user)
    entry = request.session.get(SESSION_KEY, {}).get(token)
    if entry is None or fmt not in ("csv", "xlsx"):
        raise Http404
    sign_in_url = request.build_absolute_uri(reverse("login"))
    steps = first_steps(entry.get("expires", ""))
    rows = ([r["username"], r["name"], r["code"], r["password"], sign_in_url, steps] for r in entry["rows"])
    return export_response(
        fmt=fmt,
        basename=f"accounts-{campaign.today():%Y%m%d}",
        sheet=_("Accounts"),
        header=[_(h) for h in SHEET_HEADER],
        rows=rows,
    )


@login_required
@require_POST
def bulk_sheet_forget(request, token):
    """The user has saved the sheet: its one-time passwords leave the session."""
    _require_manager(request.user)
    sheets = request.session.get(SESSION_KEY, {})
    if sheets.pop(token, None) is None:
        raise Http404
    request.session[SESSION_KEY] = sheets
    return redirect("accounts:manage")
