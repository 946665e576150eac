"""Figure 11 of `make bench` (issue 27): the integrity backfill's throughput and the time to find the
flags of one submitted assessment against the whole nation.

The benchmark data (generate_campaigns) has no photo files and only a few dozen distinct statement
texts (every community writes the same model sentences): the backfill therefore marks every photo
"missing", and every statement band bucket is common (> 50 communities), which exercises the
bounded bucket lookup. For the photo lookup to measure something, random pHashes are written into
the photo fingerprints of the measured year before timing (a copy of the benchmark database only).
"""

import random
import statistics
import time

from django.db import connection

BACKFILL_GOAL_S = 15 * 60
LOOKUP_GOAL_MS = 200.0


def _count(sql: str, params=()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def backfill(year: int, say) -> dict:
    from apps.integrity import services

    started = time.perf_counter()
    last = [0.0]

    def progress(phase, done, total):
        now = time.perf_counter()
        if now - last[0] > 10 or done == total:
            last[0] = now
            say(f"  {phase}: {done}/{total} ({now - started:.0f} s)")

    outcome = services.integrity_backfill(batch=1000, year=year, progress=progress)
    seconds = time.perf_counter() - started
    statements_all = _count(
        "SELECT count(*) FROM assessments_response r JOIN assessments_assessment a ON a.id = r.assessment_id WHERE a.state <> 'draft'"
    )
    photos_all = _count(
        "SELECT count(*) FROM assessments_evidence e JOIN assessments_response r ON r.id = e.response_id "
        "JOIN assessments_assessment a ON a.id = r.assessment_id WHERE a.state <> 'draft' AND e.kind IN ('jpeg','png','heic')"
    )
    return {**outcome, "seconds": seconds, "statements_all": statements_all, "photos_all": photos_all}


def random_phashes(year: int) -> int:
    """Random 64-bit pHashes for the year's photo fingerprints, and their bands (bench copy only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE integrity_photoprint p SET status = 'ok',
                phash = (floor(random() * 18446744073709551615) - 9223372036854775808)::bigint
            FROM assessments_assessment a WHERE a.id = p.assessment_id AND a.year = %s""",
            [year],
        )
        updated = cursor.rowcount
        cursor.execute(
            """UPDATE integrity_photoprint SET band0 = (phash & 65535)::int, band1 = ((phash >> 16) & 65535)::int,
                band2 = ((phash >> 32) & 65535)::int, band3 = ((phash >> 48) & 65535)::int
            WHERE phash IS NOT NULL"""
        )
        cursor.execute("ANALYZE integrity_photoprint")
        cursor.execute("ANALYZE integrity_statementband")
        cursor.execute("ANALYZE integrity_statementprint")
    return updated


def lookups(year: int, samples: int = 60) -> dict:
    """Wall time of the three lookups of assessment_flags_compute (statement pairs, photo pairs,
    single-photo findings) for random assessments of the year: all database round trips."""
    from apps.assessments.models import Assessment
    from apps.integrity import selectors

    ids = list(Assessment.objects.filter(year=year).exclude(state="draft").values_list("pk", flat=True))
    rng = random.Random(27)
    chosen = rng.sample(ids, min(samples, len(ids)))
    times, statements, photos = [], [], []
    for assessment_id in chosen:
        assessment = Assessment.objects.get(pk=assessment_id)
        started = time.perf_counter()
        s = selectors.statement_matches(assessment_id=assessment_id)
        p = selectors.photo_matches(assessment_id=assessment_id)
        selectors.photo_single_findings(assessment=assessment)
        times.append((time.perf_counter() - started) * 1000)
        statements.append(len(s))
        photos.append(len(p))
    times.sort()
    return {
        "samples": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "max_ms": times[-1],
        "statement_matches": sum(statements),
        "photo_matches": sum(photos),
    }


def integrity_rows(year: int, say):
    from bench.figures import Row

    say(f"  backfill of {year} ...")
    done = backfill(year, say)
    rate = done["statements"] / done["seconds"] if done["seconds"] else 0.0
    photo_rate = done["photos"] / done["seconds"] if done["seconds"] else 0.0
    # The backfill is linear in what it fingerprints: the whole nation at the measured rate.
    national_s = done["seconds"] * (done["statements_all"] / max(done["statements"], 1))
    say(f"  random pHashes for {random_phashes(year)} photos of {year}; lookups ...")
    lookup = lookups(year)
    return [
        Row(
            "11a integrity backfill (one year, extrapolated to the nation)",
            f"{done['seconds']:.0f} s for {done['statements']:,} statements + {done['photos']:,} photos "
            f"({rate:,.0f} statements/s); nation ≈ {national_s / 60:.1f} min",
            goal="nation < 15 min",
            met=national_s < BACKFILL_GOAL_S,
            details=done
            | {"statements_per_s": rate, "photos_per_s": photo_rate, "national_estimate_s": national_s},
        ),
        Row(
            "11b flags of one assessment against the nation (lookups)",
            f"p50 {lookup['p50_ms']:.0f} ms, p95 {lookup['p95_ms']:.0f} ms ({lookup['samples']} assessments)",
            goal=f"p95 < {LOOKUP_GOAL_MS:.0f} ms",
            met=lookup["p95_ms"] < LOOKUP_GOAL_MS,
            details=lookup,
        ),
    ]
