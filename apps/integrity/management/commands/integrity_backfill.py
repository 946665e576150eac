"""Compute what is missing of the integrity fingerprints and flags, idempotently, with progress."""

import sys
import time

from django.core.management.base import BaseCommand

from apps.integrity import services


class Command(BaseCommand):
    help = (
        "Fingerprint every submitted statement and photo that has no fingerprint yet, then compute the "
        "flags of the assessments that have candidates. Safe to run again: it does only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="assessments per batch (default 500)")
        parser.add_argument("--year", type=int, default=None, help="only this campaign year")
        parser.add_argument(
            "--workers",
            type=int,
            default=2,
            help="processes that fingerprint batches (PostgreSQL; default 2)",
        )

    def handle(self, *args, batch, year, workers, **options):
        started = time.monotonic()
        tty = sys.stdout.isatty()

        def progress(phase: str, done: int, total: int) -> None:
            elapsed = time.monotonic() - started
            line = f"{phase}: {done}/{total} ({elapsed:.0f} s)"
            if tty:
                self.stdout.write("\r" + line, ending="")
                self.stdout.flush()
            else:
                self.stdout.write(line)

        outcome = services.integrity_backfill(batch=batch, year=year, workers=workers, progress=progress)
        if tty:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                "integrity_backfill: {statements} statements and {photos} photos fingerprinted, "
                "{flagged} assessments compared, {seconds:.1f} s ({stages})".format(
                    **outcome,
                    seconds=time.monotonic() - started,
                    stages=", ".join(f"{k} {v:.1f} s" for k, v in outcome["stage_seconds"].items()),
                )
            )
        )
