"""The signed-in user's own security pages under /accounts/security/: API tokens (list, issue,
revoke) and two-factor sign-in. Thin: writes through apps.api.services and apps.accounts.twofactor."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import twofactor
from apps.accounts.models import Role, User
from apps.core.errors import NotFoundError, ServiceError

from . import selectors, services


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Token name"), max_length=100, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = services.issue_token(user=request.user, name=form.cleaned_data["name"])
            form = TokenForm()
        except ServiceError as error:
            form.add_error(error.field, error.message)
    rows = list(selectors.tokens_of(request.user))
    context = {
        "tokens": rows,
        "form": form,
        "new_key": new_key,
        "now": timezone.now(),
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "security/tokens.html", context)


@login_required
@require_POST
def token_revoke(request, pk):
    try:
        services.revoke_token(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    messages.success(request, _("The token was revoked."))
    return redirect("security:tokens")


# --- two-factor sign-in -------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next_url(request):
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
        return nxt
    return reverse("home")


@login_required
@require_http_methods(["GET", "POST"])
def twofactor_setup(request):
    """Enrol a TOTP device: QR code (inline SVG) and the secret as text; the first code confirms it
    and the ten recovery codes are shown once."""
    user = request.user
    if twofactor.is_enrolled(user) and not (user.is_verified() or not twofactor.required_for(user)):
        return redirect("security:twofactor-verify")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = twofactor.confirm_enrolment(request=request, user=user, code=form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            return render(
                request, "security/twofactor_codes.html", {"codes": codes, "next": _next_url(request)}
            )
    device = twofactor.pending_totp_device(user)
    context = {
        "form": form,
        "qr_svg": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "next": _next_url(request),
        "enrolled": twofactor.is_enrolled(user),
    }
    return render(request, "security/twofactor_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def twofactor_verify(request):
    """The code after the password (a TOTP code or one recovery code)."""
    user = request.user
    if not twofactor.is_enrolled(user):
        return redirect("security:twofactor-setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            twofactor.verify(request=request, user=user, code=form.cleaned_data["code"])
        except ServiceError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect(_next_url(request))
    return render(request, "security/twofactor_verify.html", {"form": form, "next": _next_url(request)})


@login_required
@require_http_methods(["GET", "POST"])
def twofactor_reset(request, pk):
    """An administrator, or the provincial department of the user's province, resets a user's
    two-factor sign-in (another province's account: 404; other roles: 403)."""
    actor = request.user
    if actor.role not in (Role.ADMIN, Role.PROVINCE):
        raise PermissionDenied
    target = get_object_or_404(User.objects.select_related("region", "community"), pk=pk)
    if not twofactor.may_reset(actor, target):
        raise Http404
    if request.method == "POST":
        twofactor.twofactor_reset(actor=actor, user=target)
        messages.success(request, _("Two-factor sign-in of %(user)s was reset.") % {"user": target.username})
        return redirect("security:twofactor-reset", pk=target.pk)
    context = {"target": target, "enrolled": twofactor.is_enrolled(target)}
    return render(request, "security/twofactor_reset.html", context)
