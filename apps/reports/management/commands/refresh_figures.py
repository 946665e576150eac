import time

from django.core.management.base import BaseCommand

from apps.reports.figures import store
from apps.reports.management.years import add_years_argument, chosen_years


class Command(BaseCommand):
    help = (
        "Recompute the live figures of every provincial unit (and the national ones) for the given "
        "years (default: every campaign year since 2020). Decisions keep them current by themselves; "
        "this is for a fresh database, after a bulk data load, or to check."
    )

    def add_arguments(self, parser):
        add_years_argument(parser)
        parser.add_argument(
            "--stale", action="store_true", help="only the unit-years whose inputs changed (the healing task)"
        )

    def handle(self, *args, years=None, stale=False, **options):
        started = time.perf_counter()
        if stale:
            healed = store.figures_heal()
            self.stdout.write(
                self.style.SUCCESS(
                    f"recomputed {len(healed)} unit-years in {time.perf_counter() - started:.1f} s"
                )
            )
            return
        chosen = chosen_years(years)
        n = store.figures_refresh_all(years=chosen)
        self.stdout.write(
            self.style.SUCCESS(
                f"{n} unit-years computed for {chosen[0]}-{chosen[-1]} in {time.perf_counter() - started:.1f} s"
            )
        )
