import io

from apps.assessments.models import Assessment, State
from apps.demo import campaign, naming
from apps.demo.accounts import seed_demo_accounts
from apps.naming.models import Batch, Objection
from apps.naming.procedure import BatchState
from tests.factories import CommunityFactory, region
from tests.review.test_demo import shanghai_registry


def test_seed_gives_shanghai_a_named_batch_one_in_notice_and_one_proposed(db, settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    for i in range(8):
        CommunityFactory(street=region("310105001"), code=f"310105001{i:03d}")
    accounts = seed_demo_accounts()
    campaign.seed(accounts=accounts, stdout=io.StringIO())
    approved_before = Assessment.objects.filter(year=2026, state=State.APPROVED).count()
    naming.seed(accounts=accounts, stdout=io.StringIO())
    first, second = Batch.objects.filter(province_id="310000000000", year=2026).order_by("number")
    assert (first.state, first.number, first.document_number) == (BatchState.NAMED, 1, "沪建管〔2026〕88号")
    assert second.state == BatchState.PUBLISHED
    assert sorted(Objection.objects.filter(batch=second).values_list("source", flat=True)) == [
        "letter",
        "public",
    ]
    assert Assessment.objects.filter(year=2026, state=State.APPROVED).count() == approved_before + 3
    assert Assessment.objects.filter(year=2026, state=State.PROPOSED).count() == 4
    # Earlier approvals stay namings.
    assert Assessment.objects.filter(year=2026, state=State.REVOKED).exists()
    naming.seed(accounts=accounts, stdout=io.StringIO())
    assert Batch.objects.count() == 2
