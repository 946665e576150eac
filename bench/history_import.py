"""Does the registry history slow the national import? Imports the national file into an empty
registry inside a transaction that is rolled back, alternating with and without the one history
entry per import, and prints the timings.

    DATABASE_URL=postgres://... .venv/bin/python bench/history_import.py [--rounds 3]
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencommunity.settings.local")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from apps.communities import registry_import  # noqa: E402
from apps.communities.models import Community  # noqa: E402

NATIONAL = ROOT / "fixtures/divisions/residents-committees.csv.gz"


class Rollback(Exception):
    pass


RECORD_TIMES = []


def once(with_history: bool) -> float:
    original = registry_import._record_import

    def timed(*args, **kwargs):
        started = time.perf_counter()
        original(*args, **kwargs)
        RECORD_TIMES.append(time.perf_counter() - started)

    registry_import._record_import = timed if with_history else (lambda *a, **k: None)
    try:
        with transaction.atomic():
            assert not Community.objects.exists(), "run on a database with an empty registry"
            with NATIONAL.open("rb") as handle:
                start = time.perf_counter()
                result = registry_import.community_import(source=handle, filename=NATIONAL.name)
                elapsed = time.perf_counter() - start
            assert result.applied and len(result.added) > 100_000
            raise Rollback
    except Rollback:
        pass
    finally:
        registry_import._record_import = original
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    times = {True: [], False: []}
    once(True)  # warm caches
    for _ in range(args.rounds):
        for flag in (False, True):
            times[flag].append(once(flag))
            print(f"{'with' if flag else 'without'} history: {times[flag][-1]:.2f} s", flush=True)
    a, b = statistics.median(times[False]), statistics.median(times[True])
    print(f"median without {a:.2f} s, with {b:.2f} s: {100 * (b - a) / a:+.1f} %")
    record = statistics.median(RECORD_TIMES)
    print(
        f"the history entry itself (median): {record * 1000:.0f} ms = {100 * record / a:.2f} % of the import"
    )


if __name__ == "__main__":
    main()
