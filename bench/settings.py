"""Settings of the benchmark server: production settings, served on loopback over plain HTTP.

Only what loopback needs differs from production (no TLS redirect); the bench adds one trivial
view (bench/urls.py) that every page is compared against.
"""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# The PDFs of figure 3 go under bench-results/ (ignored by git), not into the project's media/.
os.environ.setdefault(
    "DJANGO_MEDIA_ROOT", str(Path(__file__).resolve().parent.parent / "bench-results" / "media")
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
# As deployed (docs/scaling.md): the web processes share one cache in Redis (the bench's Redis
# database), so that what one process drops (the registry's count) is dropped for all.
if os.environ.get("REDIS_URL") and not os.environ.get("CACHE_URL"):
    os.environ["CACHE_URL"] = os.environ["REDIS_URL"]

from greencommunity.settings.production import *  # noqa: E402, F403

ROOT_URLCONF = "bench.urls"
# Sessions are sent by the bench client as a plain cookie header over loopback HTTP.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}  # noqa: F405

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405  (generate_campaigns)
