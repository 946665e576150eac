"""One-time passwords handed out by the level above (a reset, bulk creation).

Hashing a password at Django's default cost takes about a third of a second; bulk creation hands
out tens of thousands at once. A one-time password is therefore random (about 60 bits, typed once)
and kept only as HMAC-SHA256 under SECRET_KEY with an expiry: computing it costs microseconds, and
without the key a stolen table reveals nothing. The account itself has an unusable password until
its user, signed in with the one-time password, chooses a real one (hashed the usual way).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

# No 0/O, 1/l/I: read off a sheet and typed by hand.
ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
LENGTH = 12


def one_time_days() -> int:
    return int(getattr(settings, "ONE_TIME_PASSWORD_DAYS", 30))


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_hash(code: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), code.encode(), hashlib.sha256).hexdigest()


def issue(user, code: str | None = None, *, now=None) -> str:
    """Give `user` a new one-time password (not saved: the caller saves, or bulk-creates). The
    account's password becomes unusable and the next sign-in must choose a new one."""
    code = code or new_code()
    user.one_time_hash = code_hash(code)
    user.one_time_expires = (now or timezone.now()) + timedelta(days=one_time_days())
    user.one_time_used = None
    user.set_unusable_password()
    user.must_change_password = True
    return code


def matches(user, code: str) -> bool:
    return bool(user.one_time_hash) and hmac.compare_digest(user.one_time_hash, code_hash(code or ""))


def is_used(user) -> bool:
    return user.one_time_used is not None


def is_expired(user, *, now=None) -> bool:
    return user.one_time_expires is None or user.one_time_expires <= (now or timezone.now())


def clear(user) -> None:
    user.one_time_hash = ""
    user.one_time_expires = None
    user.one_time_used = None
