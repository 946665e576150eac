"""Time and peak memory of the national export (not a test; run by hand against a full registry):

DATABASE_URL=postgres://... .venv/bin/python tests/exports/measure_national_export.py [csv|xlsx]
"""

import os
import resource
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencommunity.settings.local")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import translation  # noqa: E402

from apps.accounts.models import User  # noqa: E402
from apps.communities.export_views import community_export  # noqa: E402


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(fmt: str = "csv") -> None:
    translation.activate("zh-hans")
    request = RequestFactory().get(f"/communities/export/communities.{fmt}", {"year": 2026})
    request.user = User(username="measure", role="ministry")
    before = rss_mb()
    start = time.perf_counter()
    response = community_export(request, fmt=fmt)
    first_byte = None
    size = lines = 0
    for chunk in response.streaming_content:
        if first_byte is None:
            first_byte = time.perf_counter() - start
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    elapsed = time.perf_counter() - start
    print(
        f"{connection.vendor} {fmt}: {lines if fmt == 'csv' else '-'} lines, {size / 2**20:.1f} MiB in {elapsed:.2f} s "
        f"(first byte after {first_byte:.2f} s); peak RSS {rss_mb():.0f} MB (before the export {before:.0f} MB)"
    )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "csv")
