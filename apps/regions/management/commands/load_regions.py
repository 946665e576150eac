from django.core.management.base import BaseCommand

from apps.core import versioned
from apps.regions.loader import load_divisions
from apps.regions.models import Region
from apps.regions.selectors import REGIONS_VERSION


class Command(BaseCommand):
    help = "Load (or refresh) the NBS 2023 division tree from fixtures/divisions/. Idempotent."

    def handle(self, *args, **options):
        count = load_divisions(Region)
        versioned.drop(REGIONS_VERSION)  # bulk writes send no signal (apps.core.versioned)
        self.stdout.write(self.style.SUCCESS(f"{count} regions loaded."))
