import io

from apps.demo import campaign, naming, sitechecks
from apps.demo.accounts import seed_demo_accounts
from apps.sitechecks.models import Assignment, InspectionPlan, SampleEntry
from tests.factories import CommunityFactory, region
from tests.review.test_demo import shanghai_registry


def test_seed_gives_a_drawn_sample_and_demo_expert_one_done_one_assigned(db, settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    for i in range(8):
        CommunityFactory(street=region("310105001"), code=f"310105001{i:03d}")
    for i in range(4):
        CommunityFactory(street=region("310106011"), code=f"310106011{i + 10:03d}")
    accounts = seed_demo_accounts()
    accounts["expert"] = sitechecks.seed_expert()
    campaign.seed(accounts=accounts, stdout=io.StringIO())
    naming.seed(accounts=accounts, stdout=io.StringIO())
    sitechecks.seed(accounts=accounts, stdout=io.StringIO())
    plan = InspectionPlan.objects.get(province_id="310000000000", year=2026)
    assert plan.draws.count() == 1 and plan.published_at
    expert = accounts["expert"]
    mine = Assignment.objects.filter(group__leader=expert)
    assert sorted(mine.values_list("state", flat=True)) == ["done", "open"]
    done = SampleEntry.objects.get(assignments__state="done")
    # The site total is kept where the standard has points (Shanghai's, in `make run`).
    assert done.state == "passed"
    sitechecks.seed(accounts=accounts, stdout=io.StringIO())
    assert InspectionPlan.objects.count() == 1
