"""The signed-in user's own security pages under /accounts/security/: API tokens (list, issue,
revoke) and two-factor sign-in. Thin: writes through apps.api.services and apps.accounts.twofactor."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts import twofactor
from apps.accounts.managing import can_manage_accounts
from apps.accounts.models import User
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
            # A session that gave its second factor issues tokens that keep working under it.
            _token, new_key = services.issue_token(
                user=request.user, name=form.cleaned_data["name"], two_factor=request.user.is_verified()
            )
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
    enrolled = twofactor.is_enrolled(user)
    if enrolled and not user.is_verified():
        # Replacing the authenticator needs the current one first.
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
        "enrolled": enrolled,
        "role_requires": twofactor.role_requires(user),
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


class ResetCodeForm(CodeForm):
    """One's own reset: the current code or a recovery code."""


@login_required
@require_http_methods(["GET", "POST"])
def twofactor_reset(request, pk):
    """Reset an account's two-factor sign-in: the level above for an account below it, by the rule
    of the account pages (outside the scope 404; a peer or an account above 403); one's own with a
    current code or a recovery code."""
    actor = request.user
    own = pk == actor.pk
    target = actor if own else User.objects.select_related("region", "community").filter(pk=pk).first()
    if target is None:
        if not can_manage_accounts(actor):
            raise PermissionDenied
        raise Http404
    twofactor.reset_check(actor, target)  # NotFoundError: 404, ForbiddenError: 403 (middleware)
    form = ResetCodeForm(request.POST or None) if own else None
    status = 200
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            twofactor.twofactor_reset(actor=actor, user=target, code=form.cleaned_data["code"] if own else "")
        except ServiceError as error:
            form.add_error(error.field, error.message)
            status = 400
        else:
            if own:
                messages.success(request, _("Your two-factor sign-in was reset."))
                return redirect("security:twofactor-setup")
            messages.success(
                request, _("Two-factor sign-in of %(user)s was reset.") % {"user": target.username}
            )
            return redirect("security:twofactor-reset", pk=target.pk)
    elif request.method == "POST":
        status = 400
    context = {"target": target, "own": own, "form": form, "enrolled": twofactor.is_enrolled(target)}
    return render(request, "security/twofactor_reset.html", context, status=status)
