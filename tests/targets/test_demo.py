import io

import pytest

from apps.demo import targets as demo
from apps.demo.accounts import seed_demo_accounts
from apps.targets.models import CreationListEntry, ImplementationPlan, Target, TargetEvent
from tests.review.test_demo import shanghai_registry

pytestmark = pytest.mark.django_db


def test_demo_targets_and_list_are_seeded_once(settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    demo.seed(accounts=accounts, stdout=io.StringIO())
    assert Target.objects.filter(area__level="province", year=2022, meeting=60).count() == 32
    assert set(Target.objects.filter(area__level="province").values_list("year", flat=True)) == {
        2020,
        2021,
        2022,
        2026,
    }
    assert (
        Target.objects.filter(year=2026, area__province_id="310000000000", area__level="county").count() == 16
    )
    assert CreationListEntry.objects.filter(year=2026, area_id="310104000000").count() == 12
    plan = ImplementationPlan.objects.get(area_id="310000000000")
    assert plan.status == "accepted" and plan.file_kind == "pdf"
    events = TargetEvent.objects.count()
    demo.seed(accounts=seed_demo_accounts(), stdout=io.StringIO())
    assert TargetEvent.objects.count() == events
