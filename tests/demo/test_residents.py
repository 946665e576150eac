import io

from apps.demo import residents
from apps.demo.accounts import seed_demo_accounts
from apps.residents import selectors
from apps.residents.models import Answer
from tests.review.test_demo import shanghai_registry


def test_seed_gives_the_demo_community_40_answers_and_shanghai_a_gate(db, settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    accounts = seed_demo_accounts()
    residents.seed(accounts=accounts, stdout=io.StringIO())
    community = accounts["community"].community
    assert Answer.objects.filter(community=community, year=2026).count() == 40
    gate = selectors.gate_for(community_id=community.code, province_id="310000000000", year=2026)
    assert gate.exists and gate.met
    assert (gate.survey.gate_share_percent, gate.survey.gate_min_answers) == (80, 30)
    comments = selectors.staff_comments(community_id=community.code, year=2026)
    assert any("138****5678" in c["text"] for c in comments)
    residents.seed(accounts=accounts, stdout=io.StringIO())
    assert Answer.objects.count() == 40
