"""The password rules of AUTH_PASSWORD_VALIDATORS where Django's own do not speak Chinese, and the
password hasher that keeps a burst of sign-ins from stalling the pages."""

import threading

from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLengthValidator
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's rule with a message that has its Chinese: Django 5.2 changed the msgid to "%d" and
    its own zh_Hans catalogue has no translation of the new one (users read English)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class BoundedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 (same algorithm name, same hashes, same iterations) with at most
    PASSWORD_HASHES_AT_ONCE hashes computing at a time in one web process (default 1).

    A hash is ~0.35 s of CPU by design. Under gunicorn's threaded workers the other threads of the
    process go on serving pages while a sign-in hashes (hashlib releases the GIL); the bound keeps
    a burst of sign-ins (the last days before the deadline) from taking every core: the extra
    sign-ins wait their turn asleep, the pages do not."""

    _slots: threading.BoundedSemaphore | None = None
    _slots_lock = threading.Lock()

    @classmethod
    def slots(cls) -> threading.BoundedSemaphore:
        with cls._slots_lock:
            if cls._slots is None:
                cls._slots = threading.BoundedSemaphore(getattr(settings, "PASSWORD_HASHES_AT_ONCE", 1))
            return cls._slots

    def encode(self, password, salt, iterations=None):
        with self.slots():
            return super().encode(password, salt, iterations)
