"""Login protection helpers: the lockout page django-axes shows after too many failed logins."""

import math

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    """The page shown to a locked-out login (HTTP 429): in the user's language, with the wait in
    whole minutes and who can unlock the account. Same for a form post and an XHR."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": minutes,
    }
    return render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
