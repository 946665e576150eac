"""Figure 11 of `make bench` (issue 27): the integrity backfill of the whole benchmark database and
the time to find the flags of one submitted assessment against the whole nation.

The benchmark data (generate_campaigns) has no photo files and only a few dozen distinct statement
texts (every community writes the same model sentences): the backfill therefore marks every photo
"missing", and every statement band bucket is common (> 50 communities), which exercises the
bounded bucket lookup and the skipped band rows of a full bucket. For the photo lookup to measure
something, random pHashes are written into every photo fingerprint of the nation before the lookups
are timed (a copy of the benchmark database only: this figure writes, and runs only when asked).

Each goal is printed with its ratio (measured / goal: below 1 is met); the lookups are timed as
database time (the sum of the round trips, PostgreSQL's side and the driver) and as wall time.
"""

import random
import statistics
import time
from contextlib import contextmanager

from django.db import connection

BACKFILL_GOAL_S = 15 * 60
LOOKUP_GOAL_MS = 200.0
INTEGRITY_TABLES = (
    "integrity_flag",
    "integrity_statementband",
    "integrity_statementprint",
    "integrity_commonbucket",
    "integrity_photoprint",
)


def _count(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def backfill(say) -> dict:
    """The whole backfill (every year) from empty integrity tables, as `manage.py integrity_backfill`
    runs it on a first deployment."""
    from apps.integrity import services

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(INTEGRITY_TABLES)}")
    started = time.perf_counter()
    last = [0.0]

    def progress(phase, done, total):
        now = time.perf_counter()
        if now - last[0] > 30 or done == total:
            last[0] = now
            say(f"  {phase}: {done}/{total} ({now - started:.0f} s)")

    outcome = services.integrity_backfill(batch=1000, progress=progress)
    seconds = time.perf_counter() - started
    return {
        **outcome,
        "seconds": seconds,
        "band_rows": _count("SELECT count(*) FROM integrity_statementband"),
        "common_buckets": _count("SELECT count(*) FROM integrity_commonbucket"),
        "flags": _count("SELECT count(*) FROM integrity_flag"),
    }


def random_phashes() -> int:
    """Random 64-bit pHashes for every photo fingerprint of the nation, and their bands (bench copy
    only): each 16-bit band value is then shared by (photos / 65,536) photos. Built from four random
    16-bit values: one random() scaled to 64 bits (the first version of this figure) has only 53
    bits, its lowest band took 16 values, and a lookup read a sixteenth of the nation's photos."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE integrity_photoprint p SET status = 'ok', band0 = r.b0, band1 = r.b1, band2 = r.b2,
                band3 = r.b3, phash = r.b0::bigint | (r.b1::bigint << 16) | (r.b2::bigint << 32) | (r.b3::bigint << 48)
            FROM (SELECT evidence_id, floor(random() * 65536)::int AS b0, floor(random() * 65536)::int AS b1,
                    floor(random() * 65536)::int AS b2, floor(random() * 65536)::int AS b3
                  FROM integrity_photoprint) r
            WHERE r.evidence_id = p.evidence_id"""
        )
        updated = cursor.rowcount
    with connection.cursor() as cursor:
        for table in ("integrity_photoprint", "integrity_statementband", "integrity_statementprint"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return updated


@contextmanager
def _database_time(total: list[float]):
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            total[0] += time.perf_counter() - started

    with connection.execute_wrapper(wrapper):
        yield


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[int(0.95 * (len(values) - 1))]


def lookups(year: int, samples: int = 60) -> dict:
    """Database and wall time of the three lookups of assessment_flags_compute (statement pairs,
    photo pairs, single-photo findings) for random submitted assessments of the year."""
    from apps.assessments.models import Assessment
    from apps.integrity import selectors

    ids = list(Assessment.objects.filter(year=year).exclude(state="draft").values_list("pk", flat=True))
    chosen = random.Random(27).sample(ids, min(samples, len(ids)))
    db, wall, per = [], [], {"statements": [], "photos": [], "findings": []}
    found = {"statement_matches": 0, "photo_matches": 0, "statements": 0, "photos": 0}
    for assessment_id in chosen:
        assessment = Assessment.objects.get(pk=assessment_id)
        total = [0.0]
        started = time.perf_counter()
        with _database_time(total):
            for name, call, kwargs in (
                ("statements", selectors.statement_matches, {"assessment_id": assessment_id}),
                ("photos", selectors.photo_matches, {"assessment_id": assessment_id}),
                ("findings", selectors.photo_single_findings, {"assessment": assessment}),
            ):
                before = total[0]
                result = call(**kwargs)
                per[name].append((total[0] - before) * 1000)
                if name != "findings":
                    found[f"{name[:-1]}_matches"] += len(result)
        wall.append((time.perf_counter() - started) * 1000)
        db.append(total[0] * 1000)
        found["statements"] += _count(
            "SELECT count(*) FROM integrity_statementprint WHERE assessment_id = %s", [assessment_id]
        )
        found["photos"] += _count(
            "SELECT count(*) FROM integrity_photoprint WHERE assessment_id = %s", [assessment_id]
        )
    return {
        "samples": len(db),
        "db_p50_ms": statistics.median(db),
        "db_p95_ms": _p95(db),
        "wall_p50_ms": statistics.median(wall),
        "wall_p95_ms": _p95(wall),
        "max_ms": max(wall),
        **{f"{name}_db_p95_ms": _p95(values) for name, values in per.items()},
        **found,
    }


def _load() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def integrity_rows(year: int, say):
    from bench.figures import Row

    say(f"  backfill of the whole database from empty integrity tables (load {_load()}) ...")
    done = backfill(say)
    stages = ", ".join(f"{k} {v:.0f} s" for k, v in done["stage_seconds"].items())
    say(f"  random pHashes for {random_phashes():,} photos of the nation; lookups in {year} ...")
    lookup = lookups(year)
    load = _load()
    return [
        Row(
            "11a integrity backfill of the whole database",
            f"{done['seconds'] / 60:.1f} min for {done['statements']:,} statements + {done['photos']:,} "
            f"photos ({stages}; {done['band_rows']:,} band rows; load {load})",
            floor=f"goal {BACKFILL_GOAL_S / 60:.0f} min",
            ratio=done["seconds"] / BACKFILL_GOAL_S,
            goal="< 15 min, with progress",
            met=done["seconds"] < BACKFILL_GOAL_S,
            details=done | {"load": load},
        ),
        Row(
            "11b flags of one assessment against the nation (database time of the lookups)",
            f"p50 {lookup['db_p50_ms']:.0f} ms, p95 {lookup['db_p95_ms']:.0f} ms of database time "
            f"(wall p95 {lookup['wall_p95_ms']:.0f} ms; statements p95 {lookup['statements_db_p95_ms']:.0f} ms, "
            f"photos p95 {lookup['photos_db_p95_ms']:.0f} ms; {lookup['samples']} assessments of {year}, "
            f"{lookup['photos']:,} photos; load {load})",
            floor=f"goal {LOOKUP_GOAL_MS:.0f} ms",
            ratio=lookup["db_p95_ms"] / LOOKUP_GOAL_MS,
            goal=f"p95 < {LOOKUP_GOAL_MS:.0f} ms",
            met=lookup["db_p95_ms"] < LOOKUP_GOAL_MS,
            details=lookup | {"load": load},
        ),
    ]
