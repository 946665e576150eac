"""Keep what the user typed: the one home of the bookkeeping that the pages with drafts share (the
self-assessment's criteria, the review form, and any form a service may refuse).

- A page's script saves while the user types (autosave): `draft_endpoint` answers a signed-out save
  with JSON (401 and a clear status) instead of a redirect to the login page, and a GET of such a
  POST-only URL goes back to the page instead of answering 405; `draft_saved` and `draft_refused`
  are the JSON answers, in one shape for every page.
- A refused save shows the page again with what was typed: `Typed` carries the data as posted and
  the refusals by field name, and binds each form of the page to it (`Typed.form`); `add_refusal`
  puts a service's refusal beside its field; `form_save` is the whole round of a settings form
  (validate, save through the service, message and redirect, or the status to show it again with).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import ServiceError


def wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def signed_out(request) -> JsonResponse:
    return JsonResponse(
        {
            "ok": False,
            "status": "signed_out",
            "message": _(
                "Your session has ended: nothing was lost, your text is kept on this page. Sign in again, then it is saved."
            ),
            "login_url": resolve_url("login"),
        },
        status=401,
    )


def token(request) -> JsonResponse:
    """A script's GET: is the caller signed in, and the current CSRF token (signing in rotates it)."""
    return JsonResponse({"ok": True, "signed_in": request.user.is_authenticated, "csrf": get_token(request)})


def draft_endpoint(page_url):
    """Decorate a POST-only view that a page's script saves to. `page_url(request, **kwargs)` is the
    page the URL belongs to: a plain GET (e.g. the login page's `next`) is redirected there; a
    script's GET answers the token; a signed-out script's POST answers 401 JSON."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method == "GET":
                if wants_json(request):
                    return token(request)
                if not request.user.is_authenticated:
                    return login_required(lambda r: None)(request)
                return redirect(page_url(request, **kwargs))
            if not request.user.is_authenticated:
                if wants_json(request):
                    return signed_out(request)
                return login_required(lambda r: None)(request)
            if request.method != "POST":
                return redirect(page_url(request, **kwargs))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


# --- The answers to a script's save ------------------------------------------------------------


def draft_saved(*, at: datetime | None, **extra) -> JsonResponse:
    """A script's save went through: when (hh:mm, local time; "" if unknown) and what else the page
    updates from the answer (`extra`: a new version, counts)."""
    saved_at = timezone.localtime(at).strftime("%H:%M") if at else ""
    return JsonResponse(
        {
            "ok": True,
            "status": "saved",
            "saved_at": saved_at,
            "message": _("Saved %(time)s") % {"time": saved_at},
        }
        | extra
    )


def draft_refused(*, errors: Mapping | None = None, message: str = "", status: int = 400) -> JsonResponse:
    """A script's save was refused and nothing was saved; the page keeps what is typed. With `errors`
    (form field -> messages) the text is invalid; with a `message` someone else changed it first (or
    the user may no longer act)."""
    if errors is not None:
        return JsonResponse({"ok": False, "status": "invalid", "errors": errors}, status=status)
    return JsonResponse({"ok": False, "status": "conflict", "message": message}, status=status)


# --- The page shown again with what was typed -------------------------------------------------


def add_refusal(form: forms.BaseForm, exc: ServiceError) -> None:
    """A service's refusal beside the field it concerns, or above the form when it has no such field."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@dataclass
class Typed:
    """What the user typed, carried to the page shown again after a refusal: the data as posted and
    the refusals by form field name (with the form's prefix: `c3-comment`). Without data (`None`)
    every form of the page shows what is saved."""

    data: Mapping | None = None
    field_errors: dict[str, list[str]] = field(default_factory=dict)

    def form(self, form_class: Callable[..., forms.BaseForm], *, initial=None, prefix=None, **kwargs) -> Any:
        """The form bound to what was typed, validated (it shows its own errors) and with the
        refusals of its fields; the form filled from `initial` (what is saved) when nothing was
        typed, or when none of its fields was posted (another form of the page, with its `prefix`)."""
        start = f"{prefix}-" if prefix else ""
        if self.data is None or not any(key.startswith(start) for key in self.data):
            return form_class(initial=initial, prefix=prefix, **kwargs)
        form = form_class(self.data, prefix=prefix, **kwargs)
        form.is_valid()
        for key, messages_ in self.field_errors.items():
            if key.startswith(start):
                name = key.removeprefix(start)
                for message in messages_:
                    form.add_error(name if name in form.fields else None, message)
        return form


def form_save(
    request, form: forms.BaseForm, save: Callable[[dict], object], *, done: str, then: str
) -> HttpResponse | int:
    """One round of a form a service saves: when the form is valid, `save(cleaned_data)`; done, the
    message `done` and the redirect to `then`. Answers that redirect, or the status to show the form
    again with what was typed: 400 when invalid, the refusal's own status (beside its field)."""
    if not form.is_valid():
        return 400
    try:
        save(form.cleaned_data)
    except ServiceError as exc:
        add_refusal(form, exc)
        return exc.status
    messages.success(request, done)
    return redirect(then)
