"""Verify the hash chains of every append-only history: assessments, annual reports, accounts and
the community registry."""

from django.core.management.base import BaseCommand, CommandError

from apps.assessments.models import AssessmentEvent
from apps.core.history import chain_problems
from apps.core.models import TraceEvent, TraceKind
from apps.reports.models import ReportEvent


def broken_links(events) -> list[str]:
    """Problems in one assessment's events (in chain order): a row whose stored hash does not match
    its content (changed row), or whose prev_hash is not the previous row's hash (deleted, inserted
    or reordered row)."""
    return chain_problems(events, "event")


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


class Command(BaseCommand):
    help = (
        "Verify the hash chain of every history (assessments, reports, accounts, registry); "
        "exit 1 when any chain is broken."
    )

    def handle(self, *args, **options):
        total_broken = 0
        summaries = []
        chains = [
            (
                "assessment",
                # The order in which services append (apps.assessments.services._record).
                AssessmentEvent.objects.order_by("assessment_id", "at", "id"),
                "assessment_id",
            ),
            ("report", ReportEvent.objects.order_by("report_id", "at", "id"), "report_id"),
            # One chain per kind, appended one at a time under a lock: id order.
            ("account", TraceEvent.objects.filter(kind=TraceKind.ACCOUNT).order_by("id"), "kind"),
            ("registry", TraceEvent.objects.filter(kind=TraceKind.REGISTRY).order_by("id"), "kind"),
            ("standard", TraceEvent.objects.filter(kind=TraceKind.STANDARD).order_by("id"), "kind"),
        ]
        for label, rows, key in chains:
            entry = "event" if label == "assessment" else "entry"
            checked = broken = 0
            for subject, events in grouped(rows.iterator(chunk_size=2000), key):
                checked += 1
                problems = chain_problems(events, entry)
                if problems:
                    broken += 1
                    for line in problems:
                        self.stdout.write(f"BROKEN   {label} {subject}: {line}")
            total_broken += broken
            summaries.append(f"{checked} {label} histories checked: {broken} broken.")
        summary = " ".join(summaries)
        if total_broken:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
