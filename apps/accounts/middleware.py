"""An account that must choose a new password (signed in with a one-time password from the level
above: a reset, a bulk creation) reaches nothing but the password change page and the logout
until it has done so: every other page sends it to the change page, and every API call made with
its session answers 403 `password_change_required` (JSON), reads included. The one place that
enforces it. (Such an account has no API token: the token endpoint refuses it and a reset revokes
every token, apps.api.signals.) When two-factor sign-in applies to the account, its pages come first
(apps.accounts.twofactor.TwoFactorMiddleware runs before this one)."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.core.errors import error_body

from . import twofactor

# Static files, the language switch and the health check: no data of anyone.
ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz")


class ForcePasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        forced = user is not None and user.is_authenticated and getattr(user, "must_change_password", False)
        if forced and not self._allowed(request, user):
            return self._refuse(request)
        return self.get_response(request)

    def _allowed(self, request, user) -> bool:
        path = request.path
        if path in (reverse("accounts:password_change"), reverse("logout")):
            return True
        if path.startswith(ALLOWED_PREFIXES):
            return True
        return path.startswith(twofactor.TWO_FACTOR_PAGES) and twofactor.required_for(user)

    def _refuse(self, request):
        if request.path.startswith("/api/"):
            message = _(
                "Choose your own password first: sign in on the portal, where the password change page "
                "opens; until then the API answers nothing for this session."
            )
            return JsonResponse(error_body("password_change_required", message), status=403)
        return redirect(f"{reverse('accounts:password_change')}?forced=1")
