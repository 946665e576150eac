"""Recompute the SHA-256 of every stored evidence file and compare it with the recorded one."""

import hashlib

from django.core.management.base import BaseCommand, CommandError

from apps.assessments.models import Evidence

CHUNK = 1024 * 1024


def file_sha256(field) -> str | None:
    """The digest of a stored file, read in 1 MB chunks; None when the file is missing."""
    digest = hashlib.sha256()
    try:
        with field.storage.open(field.name, "rb") as handle:
            for chunk in iter(lambda: handle.read(CHUNK), b""):
                digest.update(chunk)
    except (FileNotFoundError, OSError):
        return None
    return digest.hexdigest()


class Command(BaseCommand):
    help = "Verify every stored evidence file against its recorded SHA-256; exit 1 on any mismatch or missing file."

    def handle(self, *args, **options):
        checked = mismatched = missing = 0
        rows = Evidence.objects.only("id", "file", "sha256", "size").order_by("id")
        for evidence in rows.iterator(chunk_size=500):
            checked += 1
            actual = file_sha256(evidence.file) if evidence.file.name else None
            if actual is None:
                missing += 1
                self.stdout.write(f"MISSING  evidence {evidence.pk}: {evidence.file.name}")
            elif actual != evidence.sha256:
                mismatched += 1
                self.stdout.write(
                    f"MISMATCH evidence {evidence.pk}: {evidence.file.name} "
                    f"recorded {evidence.sha256} stored {actual}"
                )
        summary = f"{checked} evidence files checked: {mismatched} mismatched, {missing} missing."
        if mismatched or missing:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
