import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from apps.communities.importing import parse_date
from apps.communities.registry_import import community_import, registry_indexes_finish
from apps.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Import a community registry (CSV, CSV.GZ or XLSX with columns code, name, streetCode). "
        "Upserts by code; a row with a retirement date (撤销日期, 撤销方式, 承继社区代码) retires that "
        "community from that day. All or nothing: any bad row and nothing is applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--province", help="only rows of this provincial-level unit (31, or 66 for the Corps)"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")
        parser.add_argument(
            "--effective-date",
            help="added communities are in the registry from this day (YYYY-MM-DD); "
            "default: since before the campaign",
        )

    def handle(self, path, province=None, dry_run=False, effective_date=None, **options):
        started = time.perf_counter()
        effective_on = parse_date(effective_date) if effective_date else None
        if effective_date and effective_on is None:
            raise CommandError(f"--effective-date: not a date: {effective_date!r} (write 2024-06-30)")
        try:
            result = community_import(
                source=path, province=province, apply=not dry_run, effective_on=effective_on
            )
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"File not found: {path}") from exc
        elapsed = time.perf_counter() - started
        if result.deferred_indexes and not connection.in_atomic_block:
            # An operator's command leaves a complete registry: what a bulk import leaves for the
            # worker after its commit is done here at once (the queued task then finds it done).
            finish_started = time.perf_counter()
            finished = registry_indexes_finish(definitions=result.deferred_indexes)
            self.stdout.write(
                f"built {', '.join(finished['built']) or 'no index'} and validated "
                f"{len(finished['validated'])} foreign keys in {time.perf_counter() - finish_started:.1f} s"
            )
        if result.errors:
            for error in result.errors[:200]:
                self.stderr.write(str(error))
            if len(result.errors) > 200:
                self.stderr.write(f"... {len(result.errors) - 200} more")
            raise CommandError(f"{len(result.errors)} invalid rows: nothing was imported.")
        verb = "would add" if dry_run else "added"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(result.added)}, changed {len(result.changed)}, retired {len(result.retired)}, "
                f"unchanged {result.unchanged}, "
                f"skipped (other provinces) {result.skipped_other_province} in {elapsed:.1f} s"
            )
        )
