"""Verify the hash chain of every assessment's append-only history."""

from django.core.management.base import BaseCommand, CommandError

from apps.assessments.models import AssessmentEvent


def broken_links(events) -> list[str]:
    """Problems in one assessment's events (in chain order): a row whose stored hash does not match
    its content (changed row), or whose prev_hash is not the previous row's hash (deleted, inserted
    or reordered row)."""
    problems = []
    previous = ""
    for event in events:
        if event.prev_hash != previous:
            problems.append(f"event {event.pk}: prev_hash does not link to the previous entry")
        if event.compute_hash() != event.hash:
            problems.append(f"event {event.pk}: content does not match its hash (changed)")
        previous = event.hash
    return problems


class Command(BaseCommand):
    help = "Verify the hash chain of every assessment's history; exit 1 when any chain is broken."

    def handle(self, *args, **options):
        # The order in which services append (apps.assessments.services._record).
        rows = AssessmentEvent.objects.order_by("assessment_id", "at", "id")
        chains = broken = 0
        current, events = None, []

        def check(assessment_id, events):
            nonlocal broken
            problems = broken_links(events)
            if problems:
                broken += 1
                for line in problems:
                    self.stdout.write(f"BROKEN   assessment {assessment_id}: {line}")

        for event in rows.iterator(chunk_size=2000):
            if event.assessment_id != current:
                if current is not None:
                    check(current, events)
                chains += 1
                current, events = event.assessment_id, []
            events.append(event)
        if current is not None:
            check(current, events)
        summary = f"{chains} assessment histories checked: {broken} broken."
        if broken:
            raise CommandError(summary)
        self.stdout.write(self.style.SUCCESS(summary))
