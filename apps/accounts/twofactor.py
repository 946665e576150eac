"""Two-factor sign-in (django-otp, TOTP plus ten single-use recovery codes).

Who is asked for a code: every user who enrolled (whatever their role), and, when
settings.TWO_FACTOR_ROLES lists roles, the users of those roles and every staff user (for the admin
site), who must enrol first. Until they have given the code, the only pages they reach are the
enrolment/verification pages, the logout and the language switch; an API token issued without a
code stops working (apps.api.authentication).

Whether a user is enrolled is read on every request: the column `User.two_factor_since` holds it,
kept by every write of a device (the services below, the admin, a shell) through the receivers at
the end of this module, so that the gate costs no query and no device escapes it.

`twofactor_reset(*, actor, user, code)` deletes a user's devices: the level above for an account
below it (apps.accounts.managing), the user for their own only with a current code or a recovery
code. Recorded in the account history."""

import io
from urllib.parse import quote

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core.errors import ServiceError, error_body
from apps.core.models import TraceAction

from .models import User
from .services import _append

RECOVERY_CODES = 10
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def enabled() -> bool:
    return bool(roles())


def roles() -> set[str]:
    return {r.strip() for r in getattr(settings, "TWO_FACTOR_ROLES", []) if r.strip()}


def role_requires(user) -> bool:
    """Does TWO_FACTOR_ROLES require a second factor of this user (its role, or staff)?"""
    return enabled() and (user.role in roles() or user.is_staff)


def required_for(user) -> bool:
    """Does this signed-in user need a second factor? Yes once enrolled, whatever the settings;
    otherwise when the role requires it. No query (User.two_factor_since)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.two_factor_since is not None or role_requires(user)


def is_enrolled(user) -> bool:
    return user_has_device(user, confirmed=True)


# --- enrolment and verification -------------------------------------------------------------


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed TOTP device being enrolled (made on first call, same secret until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The base32 secret to type into an authenticator app, in groups of four."""
    import base64

    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG (no image request, works under CSP)."""
    import qrcode
    import qrcode.image.svg

    out = io.BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :] if "<svg" in svg else svg


def _clean_code(code: str) -> str:
    code = "".join((code or "").split())
    if not code or len(code) > 16 or not code.isalnum():
        raise ServiceError(_("Enter the code from your authenticator app."), code="invalid_otp", field="code")
    return code


@transaction.atomic
def confirm_enrolment(*, request, user, code: str) -> list[str]:
    """Check the first code of the pending device; on success confirm it, sign the session in as
    verified and return the ten new recovery codes (shown once)."""
    code = _clean_code(code)
    device = pending_totp_device(user)
    if not device.verify_token(code):
        raise ServiceError(
            _("That code is not right. Check the time on your phone and enter the current code."),
            code="invalid_otp",
            field="code",
        )
    device.confirmed = True
    device.save()
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    codes = new_recovery_codes(user)
    otp_login(request, device)
    return codes


def new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def verify(*, request, user, code: str):
    """Check a TOTP or recovery code (a recovery code is used up); on success the session is verified."""
    code = _clean_code(code)
    throttled = False
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        # Asked before the attempt: a device still waiting after earlier failures refuses any code.
        allowed, _info = device.verify_is_allowed()
        if device.verify_token(code):
            otp_login(request, device)
            return device
        throttled = throttled or not allowed
    if throttled:
        raise ServiceError(
            _("Too many wrong codes in a row: wait a few seconds, then enter the current code."),
            code="otp_throttled",
            field="code",
        )
    raise ServiceError(_("That code is not right."), code="invalid_otp", field="code")


def verify_code(user, code: str) -> bool:
    """For the token endpoint: does `code` verify on one of the user's devices?"""
    try:
        code = _clean_code(code)
    except ServiceError:
        return False
    return any(d.verify_token(code) for d in devices_for_user(user, confirmed=True, for_verify=True))


# --- reset: by the level above, or one's own with a code -------------------------------------


def reset_check(actor, user) -> None:
    """The rule for resetting `user`'s two-factor sign-in, as the account pages manage accounts
    (apps.accounts.managing): outside the actor's scope NotFoundError, in scope at or above the
    actor's level (a peer, the level above) ForbiddenError. One's own account is not refused here:
    it needs a code (`twofactor_reset`)."""
    if actor.pk == user.pk:
        return
    from .managing import account_manage_check

    account_manage_check(actor, user)


def may_reset(actor, user) -> bool:
    """May `actor` reset another account's two-factor sign-in (the level above it)?"""
    if actor.pk == user.pk:
        return False
    try:
        reset_check(actor, user)
    except ServiceError:
        return False
    return True


def twofactor_reset(*, actor, user: User, code: str = "") -> int:
    """Delete every OTP device of `user` (asked again at their next sign-in only if their role
    requires it); recorded in the account history with the acting user, in one transaction.
    Another account: the level above only (NotFoundError outside its scope, ForbiddenError at or
    above its level). One's own: only with a current code or a recovery code (ServiceError on the
    field `code`; checked before the transaction, so that a wrong code still counts towards the
    device's throttle)."""
    reset_check(actor, user)
    if actor.pk == user.pk and not verify_code(user, code):
        raise ServiceError(
            _(
                "Enter the current code from your authenticator app or one of your recovery codes: "
                "without it your two-factor sign-in cannot be reset."
            ),
            code="invalid_otp",
            field="code",
        )
    with transaction.atomic():
        deleted = 0
        for device in devices_for_user(user, confirmed=None):
            device.delete()
            deleted += 1
        _append(
            actor=actor,
            user=user,
            action=TraceAction.CHANGED,
            data={"two_factor": "reset", "devices": deleted},
        )
    return deleted


# --- the gate -------------------------------------------------------------------------------

TWO_FACTOR_PAGES = ("/accounts/security/twofactor/setup/", "/accounts/security/twofactor/verify/")
ALWAYS_ALLOWED = (
    *TWO_FACTOR_PAGES,
    "/accounts/logout/",
    "/i18n/",
    "/static/",
    "/healthz",
)


class TwoFactorMiddleware:
    """After django_otp.middleware.OTPMiddleware: a user who needs a second factor and has not given
    it this session is sent to enrol or to enter a code (API calls with a session get a JSON 403)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and required_for(user)
            and not user.is_verified()
            and not request.path.startswith(ALWAYS_ALLOWED)
        ):
            return self._refuse(request, user)
        return self.get_response(request)

    def _refuse(self, request, user):
        if request.path.startswith("/api/"):
            message = _("Two-factor sign-in is required: sign in on the portal and enter your code first.")
            return JsonResponse(error_body("two_factor_required", message), status=403)
        name = "security:twofactor-verify" if is_enrolled(user) else "security:twofactor-setup"
        target = reverse(name)
        nxt = request.get_full_path()
        if request.method == "GET" and url_has_allowed_host_and_scheme(
            nxt, allowed_hosts={request.get_host()}
        ):
            target += "?next=" + quote(nxt)
        return redirect(target)


# --- the column the gate reads ----------------------------------------------------------------


def _device_saved(sender, instance, **kwargs):
    if instance.confirmed:
        from django.utils import timezone

        User.objects.filter(pk=instance.user_id, two_factor_since__isnull=True).update(
            two_factor_since=timezone.now()
        )
    else:
        _device_deleted(sender, instance)


def _device_deleted(sender, instance, **kwargs):
    user = User.objects.filter(pk=instance.user_id, two_factor_since__isnull=False).first()
    if user is not None and not is_enrolled(user):
        User.objects.filter(pk=user.pk).update(two_factor_since=None)


def connect_device_receivers() -> None:
    """Keep User.two_factor_since in step with the confirmed devices, whoever writes them."""
    from django.db.models.signals import post_delete, post_save

    for model in (TOTPDevice, StaticDevice):
        name = model._meta.label_lower
        post_save.connect(_device_saved, sender=model, dispatch_uid=f"twofactor_since_save_{name}")
        post_delete.connect(_device_deleted, sender=model, dispatch_uid=f"twofactor_since_delete_{name}")
