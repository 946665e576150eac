"""The embedded default (`make run`, SQLite) never answers "database is locked" when two requests
write at once: WAL and BEGIN IMMEDIATE, checked on a real database file with the settings `make run`
loads."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Threads that each read then write inside one transaction, as a service does (select, then save):
# with SQLite's default deferred transactions two of them deadlock on the upgrade from the read lock
# and one fails at once with "database is locked", whatever the busy timeout.
WRITERS = """
import json, threading
import django
django.setup()
from django.conf import settings
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE IF NOT EXISTS counter (id INTEGER PRIMARY KEY, n INTEGER)")
    cursor.execute("INSERT OR IGNORE INTO counter VALUES (1, 0)")
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]

errors = []
start = threading.Barrier(4)

def writer():
    start.wait()
    try:
        for _ in range(40):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter WHERE id = 1")
                n = cursor.fetchone()[0]
                cursor.execute("UPDATE counter SET n = %s WHERE id = 1", [n + 1])
    except Exception as exc:
        errors.append(str(exc))
    finally:
        connection.close()

threads = [threading.Thread(target=writer) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter WHERE id = 1")
    total = cursor.fetchone()[0]
options = settings.DATABASES["default"]["OPTIONS"]
print(json.dumps({"errors": errors, "total": total, "journal": journal, "options": options}))
"""


def run_with_local_settings(tmp_path, code):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.local",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_embedded_sqlite_uses_wal_and_immediate_transactions(tmp_path):
    result = run_with_local_settings(tmp_path, WRITERS)
    assert result["options"]["transaction_mode"] == "IMMEDIATE"
    assert result["journal"] == "wal"


def test_concurrent_writers_never_see_database_is_locked(tmp_path):
    result = run_with_local_settings(tmp_path, WRITERS)
    assert result["errors"] == []
    # Every increment landed: no lost update either (each transaction held the write lock).
    assert result["total"] == 4 * 40


def test_make_run_serves_with_debug_off_and_make_debug_with_debug_on():
    makefile = (ROOT / "Makefile").read_text()
    targets = {}
    current = None
    for line in makefile.splitlines():
        if line and not line.startswith(("\t", "#", " ")) and ":" in line and "=" not in line.split(":")[0]:
            current = line.split(":")[0].strip()
            targets[current] = []
        elif line.startswith("\t") and current:
            targets[current].append(line)
    run = "\n".join(targets["run"])
    debug = "\n".join(targets["debug"])
    assert "runserver" in run and "DJANGO_DEBUG=true" not in run
    assert "DJANGO_DEBUG=true" in debug and "runserver" in debug
    # Each setup step says what it does before it does it.
    setup = "\n".join(targets["setup"])
    assert setup.count("echo") >= 3
    assert "PORT=" in (ROOT / "README.md").read_text()
