import os

# Live-server tests under Playwright's sync API (none yet here, but the load and browser checks may).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.assessments.conftest import (  # noqa: E402, F401  (fixtures shared with the assessments tests)
    assessment,
    filled,
    pdf_upload,
    png_upload,
    submitted,
)
