"""A migrated SQLite test database kept between runs on a developer's machine (`make test`).

A fresh test database costs its migrations: the national division tree and the standards are
loaded by data migrations. With `--reuse-db` on SQLite (and CI unset), the migrated database is
kept in a template file, `.test-db-template.sqlite3`, and each run copies it into its in-memory
test database instead of migrating. The copy is what the run uses: nothing a run writes or flushes
reaches the template, so every run starts from the same state as a fresh one.

The template is rebuilt from scratch when anything that shapes it changes: a migration file added,
removed or edited, or the Django version (the fingerprint below), so new migrations always apply.
CI never reuses: it runs clean.

`pytest --slim-regions` builds test databases (fresh or template) with a slim division tree
(`slim_divisions` below) for unit tests that do not need the national one.
"""

import csv
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
from contextlib import contextmanager, nullcontext
from pathlib import Path

import django
from django.conf import settings
from django.db import connections


def template_path(*, slim: bool) -> Path:
    return Path(settings.BASE_DIR) / (
        ".test-db-template-slim.sqlite3" if slim else ".test-db-template.sqlite3"
    )


def wanted(config) -> bool:
    """Whether this run copies the template: `--reuse-db`, not in CI, the default database on
    SQLite in memory (PostgreSQL runs keep pytest-django's own behaviour)."""
    if os.environ.get("CI") or not config.getoption("reuse_db", False):
        return False
    if config.getoption("create_db", False):
        return False
    db = settings.DATABASES["default"]
    in_memory = db["NAME"] == ":memory:" or not (db.get("TEST") or {}).get("NAME")
    return db["ENGINE"] == "django.db.backends.sqlite3" and in_memory and len(settings.DATABASES) == 1


def fingerprint(*, slim: bool) -> str:
    """What the template depends on: the Django version, every migration file's name and text
    and, for the slim tree, the streets the tests name."""
    digest = hashlib.sha256(django.get_version().encode())
    base = Path(settings.BASE_DIR)
    for path in sorted(base.glob("apps/*/migrations/*.py")) + sorted(base.glob("bench/migrations/*.py")):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    if slim:
        digest.update(" ".join(sorted(_named_streets())).encode())
    return digest.hexdigest()


def _build_template(path: Path, verbosity: int, *, slim: bool) -> None:
    """Migrate a new template file from scratch (what a fresh test database would be)."""
    connection = connections["default"]
    test_settings = connection.settings_dict.setdefault("TEST", {})
    before_test_name, old_name = test_settings.get("NAME"), connection.settings_dict["NAME"]
    test_settings["NAME"] = str(path)
    try:
        with slim_divisions() if slim else nullcontext():
            connection.creation.create_test_db(verbosity=verbosity, autoclobber=True, serialize=False)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = old_name
        test_settings["NAME"] = before_test_name
    # One self-contained file (the settings open SQLite in WAL mode): nothing left in a -wal file.
    with sqlite3.connect(path) as built:
        built.execute("PRAGMA journal_mode=DELETE")
    built.close()


def setup(verbosity: int, *, serialize: bool, slim: bool) -> str:
    """Make the in-memory test database a copy of the template (built first, from scratch, when
    it is missing or its migrations changed). Returns the original database name, for teardown."""
    template = template_path(slim=slim)
    stamp = template.with_suffix(".fingerprint")
    current = fingerprint(slim=slim)
    if not template.exists() or not stamp.exists() or stamp.read_text() != current:
        # Built aside and moved in whole: a run starting meanwhile copies the old or the new one.
        building = template.with_name(f"{template.name}.{os.getpid()}")
        _build_template(building, verbosity, slim=slim)
        stamp.unlink(missing_ok=True)
        os.replace(building, template)
        stamp.write_text(current)
    connection = connections["default"]
    old_name = connection.settings_dict["NAME"]
    test_name = connection.creation._get_test_db_name()
    connection.close()
    connection.settings_dict["NAME"] = test_name
    connection.ensure_connection()
    source = sqlite3.connect(template)
    try:
        source.backup(connection.connection)
    finally:
        source.close()
    if serialize:
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()
    return old_name


def teardown(old_name: str, verbosity: int) -> None:
    connections["default"].creation.destroy_test_db(old_name, verbosity, keepdb=False)


# --- The slim division tree ----------------------------------------------------------------------

SLIM_PROVINCES = ("11", "31")  # 北京, 上海: every street


def _named_streets() -> set[str]:
    """The streets the tests name by code (a 9-digit street or a 12-digit community code)."""
    pattern = re.compile(r"[\"'(]((?:1[1-5]|2[1-3]|3[1-7]|4[1-6]|5[0-4]|6[1-6])\d{7})(?:\d{3})?[\"')]")
    base = Path(settings.BASE_DIR) / "tests"
    return {m.group(1) for path in base.rglob("*.py") for m in pattern.finditer(path.read_text())}


@contextmanager
def slim_divisions():
    """While a test database is migrated, the division tree's data migration loads every province,
    city and county but only some streets: all of 北京 and 上海, the first of every other county,
    and those the tests name. About a sixth of the national tree, for unit tests that do not need
    it whole (`pytest --slim-regions`; tests that do are marked `national_tree` and skipped)."""
    from apps.regions import loader

    full = loader.load_divisions
    named = _named_streets()

    def load_slim(Region, directory=loader.DIVISIONS_DIR, **kwargs):
        with tempfile.TemporaryDirectory() as tmp:
            for name in ("provinces.csv", "cities.csv", "areas.csv"):
                shutil.copy(directory / name, Path(tmp) / name)
            seen: set[str] = set()
            with (directory / "streets.csv").open(encoding="utf-8", newline="") as src:
                rows = csv.DictReader(src)
                with (Path(tmp) / "streets.csv").open("w", encoding="utf-8", newline="") as dst:
                    out = csv.DictWriter(dst, fieldnames=rows.fieldnames or [])
                    out.writeheader()
                    for row in rows:
                        first = row["areaCode"] not in seen
                        seen.add(row["areaCode"])
                        if first or row["provinceCode"] in SLIM_PROVINCES or row["code"] in named:
                            out.writerow(row)
            return full(Region, Path(tmp), **kwargs)

    loader.load_divisions = load_slim
    try:
        yield
    finally:
        loader.load_divisions = full
