import importlib
from collections.abc import Callable

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from apps.core.errors import ForbiddenError, NotFoundError, ServiceError

HOME_SLOTS = ("facts", "main", "end")


def attempt(
    request, call: Callable[[], object], *, success: str | None = None, as_http: bool = False
) -> bool:
    """A page's POST calls its service through `call()`: a refusal (ServiceError) shows its message
    (with `as_http`, a NotFoundError answers 404 and a ForbiddenError 403 instead); otherwise the
    `success` message, if any, is shown. True when the service went through."""
    try:
        call()
    except ServiceError as exc:
        if as_http and isinstance(exc, NotFoundError):
            raise Http404 from None
        if as_http and isinstance(exc, ForbiddenError):
            raise PermissionDenied(exc.message) from None
        messages.error(request, exc.message)
        return False
    if success is not None:
        messages.success(request, success)
    return True


@login_required
def home(request):
    """Every role's landing page: who you are, your scope, and the work waiting for you."""
    return render(request, "core/home.html", {"home_panels": home_panels(request)})


def home_panels(request) -> dict[str, list[dict]]:
    """Panels that apps contribute to the home page: each app's `home.panels(request)` returns a list
    of {"template": ..., "slot": "facts" | "main" (default) | "end", **context} dicts for the user.
    Core knows no app: it finds them by name."""
    slots: dict[str, list[dict]] = {slot: [] for slot in HOME_SLOTS}
    for config in apps.get_app_configs():
        if not config.name.startswith("apps.") or config.name == "apps.core":
            continue
        try:
            module = importlib.import_module(f"{config.name}.home")
        except ModuleNotFoundError:
            continue
        for panel in module.panels(request):
            slots[panel.get("slot", "main")].append(panel)
    return slots


@never_cache
@require_GET
def healthz(request):
    """Database and broker reachability. 200 while the database answers, 503 otherwise."""
    status = {"database": "ok", "broker": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001  (any failure means "down")
        status["database"] = f"error: {exc.__class__.__name__}"
    from apps.core.broker import broker_status

    status["broker"] = broker_status()
    code = 200 if status["database"] == "ok" else 503
    return JsonResponse(status, status=code)


def csrf_failure(request, reason=""):
    """settings.CSRF_FAILURE_VIEW: our own page (in the user's language, with a way back) instead of
    Django's English one. The usual cause is a form left open past the session or a stale tab."""
    return render(request, "403_csrf.html", status=403)
