"""Tests: whatever DATABASE_URL / REDIS_URL say (PostgreSQL and Redis in CI), SQLite otherwise."""

from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, env

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
PERSONAL_DATA_KEYS = ["dGVzdC1rZXktZm9yLXBlcnNvbmFsLWRhdGEtMDEyMzQ="]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / ".test-media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# SQLite tests run on a shared-cache in-memory database, where a lock held by another connection
# fails at once ("database table is locked") instead of waiting: immediate transactions would make
# two overlapping requests of the live server fail. The embedded default's WAL and immediate
# transactions are tested on a real file (tests/core/test_sqlite_embedded.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["OPTIONS"].pop("transaction_mode", None)  # noqa: F405

# The test client does not fill REMOTE_ADDR-based lockout in unrelated tests.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# The benchmark tooling (generate_campaigns) is a command of the bench app; never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
SMS_BACKEND = "apps.residents.sms.MemoryBackend"

# Browser tests run with `available_apps` leaving out the reference apps (regions, standards: their
# rows come from migrations and must outlive each test's flush; tests/browser/conftest.py), which
# also hides their templates from the app directories loader and their tag libraries from the
# engine: the standards' templates and the regions' tags (the base layout's scope label) are named
# here too.
TEMPLATES = [
    {
        **TEMPLATES[0],  # noqa: F405
        "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "apps" / "standards" / "templates"],  # noqa: F405
        "OPTIONS": {
            **TEMPLATES[0]["OPTIONS"],  # noqa: F405
            "libraries": {"regions": "apps.regions.templatetags.regions"},
        },
    }
]
