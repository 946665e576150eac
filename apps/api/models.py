"""API tokens: several per user, each with a name, an expiry (settings.API_TOKEN_DAYS) and the time
of its last use. Only the SHA-256 of the key is stored: the key is shown once, when it is issued."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def hash_key(key: str) -> str:
    # Keys are 256-bit random strings: a plain SHA-256 cannot be reversed or guessed.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the key, to recognise a token in the list.
    prefix = models.CharField(_("key starts with"), max_length=8, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    # Issued after a second factor (the token endpoint's otp, or a verified session): a token issued
    # without one stops working once two-factor sign-in applies to its user (apps.api.authentication).
    two_factor = models.BooleanField(_("issued with two-factor sign-in"), default=False, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"
