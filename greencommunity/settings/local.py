"""Embedded default for `make run`: SQLite, tasks in process, e-mail on the console."""

from .base import *  # noqa: F403
from .base import env

# The portal as its users see it (the Chinese error pages); `make debug` sets DJANGO_DEBUG=true.
DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Static files come straight from static/ and the apps (no collectstatic step), DEBUG on or off.
WHITENOISE_USE_FINDERS = True
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# The benchmark tooling (generate_campaigns) is a command of the bench app; never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
