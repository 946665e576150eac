from django.core.management.base import BaseCommand

from apps.regions.loader import load_divisions
from apps.regions.models import Region


class Command(BaseCommand):
    help = "Load (or refresh) the NBS 2023 division tree from fixtures/divisions/. Idempotent."

    def handle(self, *args, **options):
        count = load_divisions(Region)
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
