"""Indexes for the community list at national scale (PostgreSQL only).

- Name search: the list filters with `name__icontains`, which Django turns into
  `UPPER(name::text) LIKE UPPER('%...%')`. A trigram GIN index on that very expression lets
  PostgreSQL answer it without reading all 126,800 rows (search terms of 3+ characters).
  A registry import inserts ~126,800 names at once: a 16 MB pending list (instead of 4 MB)
  lets GIN merge them in fewer, larger batches (the national import went from ~30 s to ~20 s);
  autovacuum folds the pending list into the index afterwards.
- Code search: `code__startswith` is `code LIKE '3101%'`; the primary key's btree cannot serve
  LIKE under a non-C collation, a `varchar_pattern_ops` index can.
SQLite (the embedded default) is small enough to scan and gets nothing.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS community_name_trgm ON communities_community "
    "USING gin ((UPPER(name::text)) gin_trgm_ops) WITH (gin_pending_list_limit = 16384)",
    "CREATE INDEX IF NOT EXISTS community_code_pattern ON communities_community (code varchar_pattern_ops)",
]
# The extension stays: other objects may depend on it.
BACKWARD = [
    "DROP INDEX IF EXISTS community_code_pattern",
    "DROP INDEX IF EXISTS community_name_trgm",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("communities", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
