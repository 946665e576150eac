"""Personal data at rest: text encrypted with Fernet keys from the environment
(settings.PERSONAL_DATA_KEYS, newest first, so keys rotate by prepending one; older rows stay
readable until re-encrypted). Used for an objector's name and phone (apps.naming)."""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.PERSONAL_DATA_KEYS))


def encrypt_text(text: str) -> str:
    if not text:
        return ""
    return _current().encrypt(text.encode()).decode()


def decrypt_text(token: str) -> str:
    if not token:
        return ""
    try:
        return _current().decrypt(token.encode()).decode()
    except InvalidToken:
        # A key that was removed from the rotation: the value is unreadable, never shown as ciphertext.
        return ""


class EncryptedTextField(models.TextField):
    """A text column stored encrypted; the Python value is the plain text. Cannot be filtered on."""

    def from_db_value(self, value, expression, connection):
        return decrypt_text(value) if value else ""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt_text(value) if value else ""
