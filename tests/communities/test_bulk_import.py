"""A bulk import (PostgreSQL, from BULK_ROWS rows) rebuilds the registry's btree indexes in its own
transaction and leaves the trigram index of the name search and the validation of the foreign
keys for after its commit, in the worker (docs/benchmarks.md, figure 1b)."""

import pytest
from django.db import connection

from apps.communities import registry_import
from apps.communities.models import Community
from apps.communities.registry_import import community_import, registry_indexes_finish

from .test_import import GOOD, write

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the bulk path is PostgreSQL's")


def _indexes() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'communities_community'")
        return dict(cursor.fetchall())


def _not_validated() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'communities_community'::regclass "
            "AND contype = 'f' AND NOT convalidated"
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_search_index_is_built_after_the_commit(
    db, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(registry_import, "BULK_ROWS", 1)
    before = _indexes()
    assert "community_name_trgm" in before
    queued = []
    monkeypatch.setattr("apps.communities.tasks.finish_registry_indexes.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        result = community_import(source=write(tmp_path, GOOD))

    assert result.applied and len(result.added) == 3
    # Every btree index is back within the import; the trigram index waits for the worker, and
    # the foreign keys are enforced (NOT VALID) but not yet validated.
    assert set(_indexes()) == set(before) - {"community_name_trgm"}
    assert sorted(_not_validated()) and len(_not_validated()) == 5
    assert queued == [[before["community_name_trgm"]]]
    assert Community.objects.filter(name__icontains="甲社区").count() == 1  # searchable meanwhile

    # What the worker does (here inside the test's transaction, so without CONCURRENTLY).
    finished = registry_indexes_finish(definitions=queued[0])
    assert finished["built"] == ["community_name_trgm"] and len(finished["validated"]) == 5
    assert _indexes() == before
    assert _not_validated() == []
    assert registry_indexes_finish(definitions=queued[0]) == {"built": [], "validated": []}


def test_an_index_left_invalid_is_built_again(db):
    definition = _indexes()["community_name_trgm"]
    with connection.cursor() as cursor:
        # What an interrupted CREATE INDEX CONCURRENTLY leaves behind.
        cursor.execute(
            "UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'community_name_trgm'::regclass"
        )
    assert registry_indexes_finish(definitions=[definition])["built"] == ["community_name_trgm"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indisvalid FROM pg_index WHERE indexrelid = 'community_name_trgm'::regclass")
        assert cursor.fetchone()[0] is True
