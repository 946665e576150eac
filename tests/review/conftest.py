import pytest
from django.utils import timezone

from apps.accounts.models import Role
from apps.assessments.models import Assessment, State
from apps.communities.models import Community
from apps.review import services as review_services
from apps.review import submit_services
from apps.standards.selectors import national_standard
from greencommunity.settings.base import INSTALLED_APPS
from tests.assessments.conftest import PDF_BYTES, fill, pdf_upload, png_bytes, png_upload  # noqa: F401
from tests.factories import AssessmentFactory, AssessmentRowFactory, CommunityFactory, UserFactory, region

# Transactional tests (threads, live server) flush the tables of these apps only: the region tree
# and the standards, loaded by migration, stay for the tests that run after them.
TRANSACTIONAL_APPS = [app for app in INSTALLED_APPS if app not in ("apps.regions", "apps.standards")]


def ensure_reference_data() -> None:
    """Reload the region tree and the national standard if another transactional test flushed them."""
    from apps.regions.loader import load_divisions
    from apps.regions.models import Region
    from apps.standards.loader import load_national_standard
    from apps.standards.models import Category, Criterion, StandardVersion

    if not Region.objects.exists():
        load_divisions(Region)
    if not StandardVersion.objects.exists():
        load_national_standard(StandardVersion, Category, Criterion)


@pytest.fixture
def assessment(community_user, xuhui_community):
    return AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)


@pytest.fixture
def submitted(assessment, community_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    fill(assessment, community_user)
    return submit_services.assessment_submit(assessment=assessment, user=community_user)


@pytest.fixture
def recommended(submitted, city_user):
    return review_services.assessment_recommend(assessment=submitted, user=city_user)


@pytest.fixture
def approved(recommended, province_user):
    return review_services.assessment_approve(assessment=recommended, user=province_user)


@pytest.fixture
def beijing_province_user(db):
    return UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))


@pytest.fixture
def huangpu_city_user(db):
    """First level of 上海市黄浦区: same province as 徐汇区, another county."""
    return UserFactory(username="huangpu-dept", role=Role.CITY, region=region("310101"))


def make_assessments(n: int, *, state: str, street_code: str = "310104003", year: int = 2026, start=500):
    """n assessments in one state, written directly (no services): volume for query-count tests."""
    street = region(street_code)
    taken = set(Community.objects.filter(street=street).values_list("code", flat=True))
    suffixes = [k for k in range(start, 1000) if f"{street.code[:9]}{k:03d}" not in taken][:n]
    communities = Community.objects.bulk_create(
        [
            CommunityFactory.build(street=street, code=f"{street.code[:9]}{k:03d}", name=f"批量{k}社区居委会")
            for k in suffixes
        ]
    )
    standard = national_standard()
    now = timezone.now()
    return Assessment.objects.bulk_create(
        [
            AssessmentRowFactory.build(
                community=c,
                year=year,
                standard=standard,
                state=state,
                submitted_at=now if state != State.DRAFT else None,
                not_met_count=i % 3,
                # In review through the default chain: submitted waits at the county/city level,
                # recommended at the province.
                review_chain="county,province" if state != State.DRAFT else "",
            )
            for i, c in enumerate(communities)
        ]
    )


def confirmed(assessment) -> dict:
    """What the review form posts with a decision: every criterion's verdict (the saved one, else
    confirmed) and comment, and the confirm step (`confirm=1`, after the summary)."""
    data = {"confirm": "1"}
    for r in assessment.responses.select_related("criterion"):
        data[f"c{r.criterion.number}-verdict"] = r.verdict or "confirmed"
        data[f"c{r.criterion.number}-comment"] = r.review_comment
    return data
