"""Verify the hash chains of every append-only history of the project (every model built on
apps.core.history.AppendOnlyMixin: assessments, annual reports, accounts, the registry, review
chains and standards), without naming any app."""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from apps.core.history import AppendOnlyMixin, chain_problems


def grouped(rows, key):
    """Consecutive rows of one chain (rows ordered by `key` first)."""
    current, chain = None, []
    for row in rows:
        value = getattr(row, key)
        if value != current and chain:
            yield current, chain
            chain = []
        current = value
        chain.append(row)
    if chain:
        yield current, chain


def history_models():
    return [m for m in apps.get_models() if issubclass(m, AppendOnlyMixin) and m.chain_key]


class Command(BaseCommand):
    help = "Verify the hash chain of every history; exit 1 when any chain is broken."

    def handle(self, *args, **options):
        total_broken = 0
        checked: dict[str, list[int]] = {}
        for model in history_models():
            rows = model.objects.order_by(*model.chain_order).iterator(chunk_size=2000)
            for subject, events in grouped(rows, model.chain_key):
                label = model.chain_label or str(subject)
                counts = checked.setdefault(label, [0, 0])
                counts[0] += 1
                problems = chain_problems(events, model.chain_entry)
                if problems:
                    counts[1] += 1
                    total_broken += 1
                    for line in problems:
                        self.stdout.write(f"BROKEN   {label} {subject}: {line}")
        for label in ("assessment", "report"):
            checked.setdefault(label, [0, 0])
        summary = " ".join(f"{n} {label} histories checked: {b} broken." for label, (n, b) in checked.items())
        if total_broken:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
