"""An account that must choose a new password (a one-time password, a reset) goes to the change
page first: every other page sends it there until it has done so."""

from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/static/", "/media/", "/i18n/", "/healthz", "/api/")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(ALLOWED_PREFIXES):
                return redirect(f"{reverse('accounts:password_change')}?forced=1")
        return self.get_response(request)
