import io

from apps.demo import campaign, departments, naming, standard
from apps.demo.accounts import seed_demo_accounts
from apps.departments.models import Consultation, OwnedCriterion
from tests.factories import CommunityFactory, region
from tests.review.test_demo import shanghai_registry


def test_seed_gives_demo_dept_criterion_11_and_two_consultations(db, settings):
    settings.CAMPAIGN_YEAR = 2026
    shanghai_registry()
    for i in range(8):
        CommunityFactory(street=region("310105001"), code=f"310105001{i:03d}")
    accounts = seed_demo_accounts()
    standard.seed(accounts=accounts, stdout=io.StringIO())
    campaign.seed(accounts=accounts, stdout=io.StringIO())
    naming.seed(accounts=accounts, stdout=io.StringIO())
    departments.seed(accounts=accounts, stdout=io.StringIO())
    dept = accounts["dept"]
    assert (dept.username, dept.display_name, dept.role) == ("demo-dept", "上海市公安局", "department")
    owned = OwnedCriterion.objects.get(department_type__code="public_security")
    assert owned.criterion.number == 11 and owned.criterion.standard.province_id == "310000000000"
    rows = {c.department_type.code: c for c in Consultation.objects.all()}
    assert rows["public_security"].answer == "none" and rows["public_security"].answered_by == dept
    assert rows["civil_affairs"].answer == ""
    departments.seed(accounts=accounts, stdout=io.StringIO())
    assert Consultation.objects.count() == 2
