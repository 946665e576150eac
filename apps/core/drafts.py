"""Drafts that survive an ended session: the views that a page's script saves to answer a signed-out
save with JSON (401 and a clear status) instead of a redirect to the login page, and a GET of such a
POST-only URL goes back to the page instead of answering 405."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _


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
            from django.shortcuts import redirect

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
