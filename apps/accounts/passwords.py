"""The password rules of AUTH_PASSWORD_VALIDATORS where Django's own do not speak Chinese, and the
password hasher that keeps a burst of sign-ins from stalling the pages."""

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

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


# The nice value of the threads that compute password hashes: the lowest priority, so that the
# scheduler gives a core to a page before it gives it to a hash.
HASH_THREAD_NICENESS = 19


def _lower_own_priority() -> None:
    """Run this thread (not its process) at the lowest priority. Linux schedules threads one by one
    and lets any thread lower its own priority; elsewhere the call fails and the hash keeps the
    process's priority."""
    with contextlib.suppress(AttributeError, OSError):
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), HASH_THREAD_NICENESS)


class BoundedPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2 (same algorithm name, same hashes, same iterations), computed by at most
    PASSWORD_HASHES_AT_ONCE threads of one web process (default 1), at the lowest priority.

    A hash is ~0.35 s of CPU by design. Under gunicorn's threaded workers the other threads of the
    process go on serving pages while a sign-in waits for its hash (hashlib releases the GIL). The
    bound keeps a burst of sign-ins (the last days before the deadline) from taking every core, and
    the priority lets a page take a core from a hash at once: the sign-ins wait their turn, the
    pages do not."""

    _pool: ThreadPoolExecutor | None = None
    _pool_pid = 0
    _pool_lock = threading.Lock()

    @classmethod
    def pool(cls) -> ThreadPoolExecutor:
        with cls._pool_lock:
            # A forked process (a gunicorn or Celery worker) starts without its parent's threads.
            if cls._pool is None or cls._pool_pid != os.getpid():
                cls._pool = ThreadPoolExecutor(
                    max_workers=getattr(settings, "PASSWORD_HASHES_AT_ONCE", 1),
                    thread_name_prefix="password-hash",
                    initializer=_lower_own_priority,
                )
                cls._pool_pid = os.getpid()
            return cls._pool

    def encode(self, password, salt, iterations=None):
        return self.pool().submit(super().encode, password, salt, iterations).result()
