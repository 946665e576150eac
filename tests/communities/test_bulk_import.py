"""A bulk import (PostgreSQL, from BULK_ROWS rows) writes the rows under its lock with the primary key
and the foreign keys (NOT VALID) and leaves every secondary index and the validation of the foreign
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


def _secondary(indexes: dict[str, str]) -> dict[str, str]:
    return {name: definition for name, definition in indexes.items() if " UNIQUE " not in definition}


def test_the_indexes_are_built_after_the_commit(
    db, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(registry_import, "BULK_ROWS", 1)
    before = _indexes()
    secondary = _secondary(before)
    assert {"community_name_trgm", "community_street_code", "community_name"} <= set(secondary)
    queued = []
    monkeypatch.setattr("apps.communities.tasks.finish_registry_indexes.delay", queued.append)

    with django_capture_on_commit_callbacks(execute=True):
        result = community_import(source=write(tmp_path, GOOD))

    assert result.applied and len(result.added) == 3
    # Under the import's lock only the primary key checks the rows; every other index waits for
    # the worker, and the foreign keys are enforced (NOT VALID) but not yet validated.
    assert set(_indexes()) == set(before) - set(secondary)
    assert "communities_community_pkey" in _indexes()
    assert sorted(_not_validated()) and len(_not_validated()) == 5
    assert len(queued) == 1 and sorted(queued[0]) == sorted(secondary.values())
    assert Community.objects.filter(name__icontains="甲社区").count() == 1  # searchable meanwhile
    assert Community.objects.filter(street_id=result.added[0][0][:9] + "000").exists()

    # What the worker does (here inside the test's transaction, so without CONCURRENTLY).
    finished = registry_indexes_finish(definitions=queued[0])
    assert sorted(finished["built"]) == sorted(secondary) and len(finished["validated"]) == 5
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
