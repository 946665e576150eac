import io

from apps.assessments.models import Assessment, State
from apps.demo import campaign as demo
from apps.demo.accounts import seed_demo_accounts
from apps.review.models import Demonstration
from tests.factories import CommunityFactory, region


def shanghai_registry():
    # A slice of the real registry: 徐汇区 (enough for its plan) and the other demo districts.
    for i in range(20):
        CommunityFactory(
            street=region("310104003" if i % 2 else "310104004"), code=f"310104{i % 2 + 3:03d}{i:03d}"
        )
    for street in ("310101002", "310106011", "310115004"):
        for i in range(3):
            CommunityFactory(street=region(street), code=f"{street}{i:03d}")


def test_seed_puts_shanghai_in_every_state_and_is_idempotent(db, settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    out = io.StringIO()
    demo.seed(accounts=accounts, stdout=out)
    states = set(Assessment.objects.filter(year=2026).values_list("state", flat=True))
    # Proposed comes with the naming procedure, seeded after the campaign (tests/demo/test_naming.py).
    assert states == set(State.values) - {State.PROPOSED}
    assert Demonstration.objects.filter(year=2026, assessment__state=State.APPROVED).count() == 1
    mine = Assessment.objects.get(community=accounts["community"].community, year=2026)
    assert mine.state == State.DRAFT and 0 < mine.answered_count < 16
    assert Assessment.objects.filter(year=2025, state=State.APPROVED).exists()
    assert Assessment.objects.filter(year=2025, approved_at__year=2025).exists()
    xuhui = Assessment.objects.filter(year=2026, county_id="310104000000").count()
    assert xuhui > Assessment.objects.filter(year=2026).exclude(county_id="310104000000").count()
    total = Assessment.objects.count()
    demo.seed(accounts=seed_demo_accounts(), stdout=out)
    assert Assessment.objects.count() == total


def test_seed_runs_shanghai_through_street_district_municipality(db, settings):
    from apps.accounts.models import Role
    from apps.review.selectors import chain_for

    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    demo.seed(accounts=accounts, stdout=io.StringIO())
    street = accounts["street"]
    assert (street.username, street.role, street.region_id) == ("demo-street", Role.STREET, "310104003000")
    assert accounts["community"].community.street_id == street.region_id
    assert chain_for(province_id="310000000000", year=2026) == ("street", "county", "province")
    assert chain_for(province_id="110000000000", year=2026) == ("county", "province")
    waiting = set(
        Assessment.objects.filter(year=2026, state__in=[State.SUBMITTED, State.RECOMMENDED]).values_list(
            "review_level", flat=True
        )
    )
    assert waiting == {"street", "county", "province"}
    returned_by = set(
        Assessment.objects.get(pk=pk)
        .events.filter(action="returned")
        .values_list("data__level", flat=True)
        .get()
        for pk in Assessment.objects.filter(year=2026, state=State.RETURNED).values_list("pk", flat=True)
    )
    assert returned_by == {"street", "county"}
    # The demo street office has work waiting in its own street.
    assert Assessment.objects.filter(year=2026, review_level="street", street_id=street.region_id).exists()
