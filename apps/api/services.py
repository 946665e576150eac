"""Writes of API tokens: issue, revoke one of your own, revoke all of a user's."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import NotFoundError
from apps.core.text import text_check

from .models import ApiToken, hash_key


def issue_token(*, user, name: str = "", two_factor: bool = False) -> tuple[ApiToken, str]:
    """A new token for the user; returns it with its key (shown once, never stored). `two_factor`:
    the caller checked a second factor (a code, a verified session); a token issued without one
    stops working once two-factor sign-in applies to the user (apps.api.authentication)."""
    name = text_check(name, field="name", label=_("Token name")).strip()[:100]
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=hash_key(key),
        prefix=key[:8],
        two_factor=two_factor,
        expires=timezone.now() + timedelta(days=settings.API_TOKEN_DAYS),
    )
    return token, key


def revoke_token(*, user, pk) -> None:
    """Revoke one of the user's own tokens; another user's (or none) is not found."""
    deleted, _rows = ApiToken.objects.filter(user=user, pk=pk).delete()
    if not deleted:
        raise NotFoundError(_("No such token."))


def revoke_all_tokens(user) -> int:
    deleted, _rows = ApiToken.objects.filter(user=user).delete()
    return deleted
