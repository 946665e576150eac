"""Login protection helpers: the lockout page django-axes shows after too many failed logins."""

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .errors import error_body


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out login (HTTP 429): in the user's language, with the wait in
    whole minutes and who can unlock the account. Same for a form post and an XHR. Under /api/
    (a token request) it is the API's JSON error, code "locked_out", with Retry-After."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    if request.path.startswith("/api/"):
        return _api_lockout(minutes, cool_off)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def _api_lockout(minutes, cool_off):
    if minutes:
        message = ngettext(
            "Too many failed login attempts: this account is locked for logins from your address. You can "
            "try again in %(minutes)s minute, or ask your administrator to unlock the account.",
            "Too many failed login attempts: this account is locked for logins from your address. You can "
            "try again in %(minutes)s minutes, or ask your administrator to unlock the account.",
            minutes,
        ) % {"minutes": minutes}
    else:
        message = _(
            "Too many failed login attempts: this account is locked for logins from your address. Ask "
            "your administrator to unlock the account."
        )
    response = JsonResponse(error_body("locked_out", message), status=settings.AXES_HTTP_RESPONSE_CODE)
    if cool_off:
        response["Retry-After"] = str(math.ceil(cool_off.total_seconds()))
    return response
