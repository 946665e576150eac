import time

from django.core.management.base import BaseCommand, CommandError

from apps.reports.figures import fingerprint
from apps.reports.management.years import add_years_argument, chosen_years


class Command(BaseCommand):
    help = (
        "Verify every stored figure (each provincial unit's and the national ones) of every campaign "
        "year against a full recount now. Prints each difference (unit, year, figure, stored and "
        "recounted value) and exits with status 1 if there is any; writes nothing."
    )

    def add_arguments(self, parser):
        add_years_argument(parser)

    def handle(self, *args, years=None, **options):
        started = time.perf_counter()
        chosen = chosen_years(years)
        problems = fingerprint.figures_verify(years=chosen)
        took = time.perf_counter() - started
        for line in problems:
            self.stderr.write(line)
        if problems:
            raise CommandError(
                f"{len(problems)} stored figures differ from a recount ({chosen[0]}-{chosen[-1]}, {took:.1f} s)",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"every stored figure of {chosen[0]}-{chosen[-1]} equals a recount ({took:.1f} s)"
            )
        )
