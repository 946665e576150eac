import os

import pytest

# Live-server tests under Playwright's sync API (none yet here, but the load and browser checks may).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from tests.assessments.conftest import (  # noqa: E402, F401  (fixtures shared with the assessments tests)
    assessment,
    filled,
    pdf_upload,
    png_upload,
    submitted,
)

# Rows a committed test may create, children first (deleted in this order afterwards).
COMMITTED_MODELS = [
    "core.TraceEvent",
    "assessments.AssessmentEvent",
    "notices.Notice",
    "assessments.Submission",
    "review.Demonstration",
    "assessments.Evidence",
    "assessments.Response",
    "assessments.Assessment",
    "admin.LogEntry",
    "sessions.Session",
    "axes.AccessAttempt",
    "axes.AccessLog",
    "accounts.User",
    "communities.Community",
]


@pytest.fixture
def committed_db(django_db_setup, django_db_blocker):
    """Database access with real commits, for tests whose threads (or servers) must see each other's
    writes. Unlike `transactional_db` it does not flush every table at the end (which would also
    empty the division tree and the standard that migrations loaded, and take minutes to reload):
    it deletes exactly the rows the test added, with raw SQL (the history is append-only)."""
    from django.apps import apps
    from django.db import connection

    models = [apps.get_model(label) for label in COMMITTED_MODELS]
    with django_db_blocker.unblock():
        before = {m: set(m._default_manager.values_list("pk", flat=True)) for m in models}
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                for model in models:
                    added = set(model._default_manager.values_list("pk", flat=True)) - before[model]
                    if added:
                        table = connection.ops.quote_name(model._meta.db_table)
                        column = connection.ops.quote_name(model._meta.pk.column)
                        marks = ", ".join(["%s"] * len(added))
                        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", list(added))  # noqa: S608
