from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.demo import (
    accounts,
    campaign,
    departments,
    naming,
    reports,
    residents,
    sitechecks,
    standard,
    targets,
)


class Command(BaseCommand):
    help = (
        "Create the demo accounts (demo-community, demo-street, demo-city, demo-province, demo-ministry, "
        "demo-admin, demo-expert), Shanghai's local standard, review chain and demo campaign, and the demo reports. Refuses to run "
        "when DEBUG is off. Idempotent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="run even with DEBUG off (tests, benchmarks)"
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo refuses to run with DEBUG off: demo accounts have a known password."
            )
        self.stdout.write("Demo accounts…")
        users = accounts.seed_demo_accounts()
        users["expert"] = sitechecks.seed_expert()
        # Shanghai's local standard first: the campaign year's assessments are filled against it.
        standard.seed(accounts=users, stdout=self.stdout)
        campaign.seed(accounts=users, stdout=self.stdout)
        naming.seed(accounts=users, stdout=self.stdout)
        departments.seed(accounts=users, stdout=self.stdout)
        sitechecks.seed(accounts=users, stdout=self.stdout)
        # Last of the decisions: Shanghai's residents' gate then holds for every later approval.
        residents.seed(accounts=users, stdout=self.stdout)
        self.stdout.write("Reports: compiling Shanghai's draft report and the national snapshot…")
        reports.seed(accounts=users, stdout=self.stdout)
        targets.seed(accounts=users, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {accounts.demo_password()}):"))
        for user in users.values():
            self.stdout.write(f"  {user.username:16} {user.get_role_display()} · {user.scope_label}")
