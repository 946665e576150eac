"""`Authorization: Token <key>` against our hashed, expiring tokens (apps.api.models.ApiToken)."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from apps.accounts import twofactor

from .models import ApiToken, hash_key

# last_used is written at most this often per token.
LAST_USED_PRECISION = timedelta(minutes=1)


class ExpiringTokenAuthentication(TokenAuthentication):
    keyword = "Token"
    model = ApiToken

    def authenticate_credentials(self, key):
        try:
            token = ApiToken.objects.select_related("user").get(key_hash=hash_key(key))
        except ApiToken.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                _("Invalid token: it was revoked or never existed.")
            ) from None
        now = timezone.now()
        if token.expires <= now:
            raise exceptions.AuthenticationFailed(
                _("This token expired on %(date)s. Obtain a new one at POST /api/v1/auth/token/.")
                % {"date": timezone.localtime(token.expires).strftime("%Y-%m-%d %H:%M")}
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        if not token.two_factor and twofactor.required_for(token.user):
            # Issued before two-factor sign-in applied to the user (the role was switched on in
            # TWO_FACTOR_ROLES, or the user enrolled): a password alone no longer makes a token.
            raise exceptions.AuthenticationFailed(
                _(
                    "This token was issued without a two-factor code and two-factor sign-in now applies "
                    "to this account: obtain a new one at POST /api/v1/auth/token/ with your code as otp."
                )
            )
        # One conditional UPDATE on every request (the same query count whatever the last use was);
        # it writes only when the stored time is older than LAST_USED_PRECISION.
        ApiToken.objects.filter(
            Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_PRECISION), pk=token.pk
        ).update(last_used=now)
        return token.user, token
