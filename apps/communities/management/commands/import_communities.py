import time

from django.core.management.base import BaseCommand, CommandError

from apps.communities.services import community_import
from apps.core.errors import ServiceError


class Command(BaseCommand):
    help = (
        "Import a community registry (CSV, CSV.GZ or XLSX with columns code, name, streetCode). "
        "Upserts by code; all or nothing: any bad row and nothing is applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--province", help="only rows of this provincial-level unit (31, or 66 for the Corps)"
        )
        parser.add_argument("--dry-run", action="store_true", help="validate and report, write nothing")

    def handle(self, path, province=None, dry_run=False, **options):
        started = time.perf_counter()
        try:
            result = community_import(source=path, province=province, apply=not dry_run)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        except FileNotFoundError as exc:
            raise CommandError(f"File not found: {path}") from exc
        elapsed = time.perf_counter() - started
        if result.errors:
            for error in result.errors[:200]:
                self.stderr.write(str(error))
            if len(result.errors) > 200:
                self.stderr.write(f"... {len(result.errors) - 200} more")
            raise CommandError(f"{len(result.errors)} invalid rows: nothing was imported.")
        verb = "would add" if dry_run else "added"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {len(result.added)}, changed {len(result.changed)}, unchanged {result.unchanged}, "
                f"skipped (other provinces) {result.skipped_other_province} in {elapsed:.1f} s"
            )
        )
