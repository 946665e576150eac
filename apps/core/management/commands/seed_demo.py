import importlib

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.core.demo import demo_password, seed_demo_accounts


class Command(BaseCommand):
    help = (
        "Create the demo accounts (demo-community, demo-city, demo-province, demo-ministry, demo-admin) "
        "and each app's demo data. Refuses to run when DEBUG is off. Idempotent."
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
        accounts = seed_demo_accounts()
        # Each app may contribute demo data through a `demo.seed(accounts, stdout)` function.
        for config in apps.get_app_configs():
            if not config.name.startswith("apps.") or config.name == "apps.core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            module.seed(accounts=accounts, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo accounts (password: {demo_password()}):"))
        for user in accounts.values():
            self.stdout.write(f"  {user.username:16} {user.get_role_display()} · {user.scope_label}")
