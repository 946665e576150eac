"""Browser tests: Debian's chromium driven by Playwright (sync API) against pytest-django's live
server. Reusable by every browser test: the `browser_page` fixture (a fresh desktop page), the
`phone_page` fixture (390 px wide) and `login(page, live_server, username)`.

Tests using these fixtures need the live server's transactional database; mark them
`pytestmark = [pytest.mark.browser, BROWSER_DB]`. A transactional test empties the tables it used
when it ends; BROWSER_DB keeps the reference data that migrations load (the region tree, the
standard) out of that flush, so the tests that run later still find it, and nothing has to be
re-loaded (restoring 45,000 regions by serialized_rollback costs about 40 s a test)."""

import os
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import AssessmentFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Apps whose tables a browser test may write and that are emptied after it; reference data stays.
REFERENCE_APPS = ("apps.regions", "apps.standards")
BROWSER_DB = pytest.mark.django_db(
    transaction=True,
    available_apps=[a for a in settings.INSTALLED_APPS if a not in REFERENCE_APPS],
)
PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's password
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Every run saves its screenshots under artifacts/screenshots/ (ignored by git); with
# UPDATE_SCREENSHOTS=1 they replace the committed ones in docs/screenshots/.
_ROOT = Path(__file__).resolve().parent.parent.parent
SCREENSHOTS = _ROOT / ("docs" if os.environ.get("UPDATE_SCREENSHOTS") == "1" else "artifacts") / "screenshots"


@pytest.fixture(scope="session")
def chromium():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no chromium at {CHROMIUM}")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _page(chromium, viewport, **options):
    context = chromium.new_context(viewport=viewport, locale="zh-CN", **options)
    page = context.new_page()
    page.set_default_timeout(20_000)
    return context, page


@pytest.fixture
def browser_page(chromium):
    context, page = _page(chromium, DESKTOP)
    yield page
    context.close()


@pytest.fixture
def phone_page(chromium):
    context, page = _page(chromium, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    yield page
    context.close()


def sign_in(page, username: str, password: str = PASSWORD) -> None:
    """Fill and send the login form the page shows."""
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main form button[type=submit]")


def login(
    page, server, username: str, password: str = PASSWORD, *, lands_on: str = "/", fresh: bool = True
) -> None:
    """Log in through the real login form of `server` (the live server or its URL) and wait for the
    page it lands on (the home page). `fresh` drops the cookies first: as someone else, if a
    session was open."""
    base = server if isinstance(server, str) else server.url
    if fresh:
        page.context.clear_cookies()
    page.goto(f"{base}/accounts/login/")
    sign_in(page, username, password)
    try:
        page.wait_for_url(f"{base}{lands_on}")
    except Exception:
        print(page.url, page.content()[-3000:])
        raise


def screenshot(page, area: str, name: str, *, full_page: bool = False) -> Path:
    """Save a screenshot under docs/screenshots/<area>/<name>.png (committed, looked at by people)."""
    path = SCREENSHOTS / area / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def demo_accounts(settings, transactional_db):
    """Users like the demo accounts of `make run`: a community of 上海市徐汇区天平路街道, its street
    office, the 徐汇区 department and the 上海 provincial department (campaign year 2026)."""
    from apps.accounts.models import Role
    from tests.factories import CommunityFactory, UserFactory, region
    from tests.review.conftest import ensure_reference_data

    ensure_reference_data()
    settings.CAMPAIGN_YEAR = 2026
    community = CommunityFactory(street=region("310104003"), code="310104003001", name="上海新村居委会")
    return {
        "community": UserFactory(
            username="demo-community", role=Role.COMMUNITY, community=community, display_name=community.name
        ),
        "street": UserFactory(
            username="demo-street",
            role=Role.STREET,
            region=region("310104003"),
            display_name="徐汇区天平路街道办事处",
        ),
        "city": UserFactory(
            username="demo-city",
            role=Role.CITY,
            region=region("310104"),
            display_name="徐汇区住房和城乡建设管理委员会",
        ),
        "province": UserFactory(
            username="demo-province",
            role=Role.PROVINCE,
            region=region("31"),
            display_name="上海市住房和城乡建设管理委员会",
        ),
    }


def decide(page, action: str, button: str) -> None:
    """Take a decision on the review page as a reviewer does now (issue 14): every criterion still
    without a verdict gets "认可", the decision's button opens the confirmation with its summary, and
    its 确认 posts the review form (verdicts, comments and the decision)."""
    for radio in page.locator("#review-form input[type=radio][value=confirmed]").all():
        name = radio.get_attribute("name")
        if not page.locator(f"#review-form input[name='{name}']:checked").count():
            radio.check()
    page.locator(f"[data-testid=decide-{action}]").get_by_role("button", name=button).click()
    dialog = page.locator("[data-testid=decide-dialog]")
    dialog.wait_for(state="visible")
    with page.expect_navigation():
        dialog.get_by_role("button", name="确认").click()


@pytest.fixture
def scored_demo(demo_accounts):
    """The demo accounts under Shanghai's published 18-criterion scored standard (100 points, pass
    mark 70), and the community's assessment filled with 4 points a criterion (72)."""
    from apps.assessments.models import Assessment, AssessmentEvent, Evidence, Response
    from apps.standards.models import Category, Criterion, StandardVersion
    from tests.assessments.test_scores import fill_scored
    from tests.standards.builders import variant_published

    variant_published(demo_accounts["province"], year=2026)
    community = demo_accounts["community"]
    assessment = AssessmentFactory(community=community.community, year=2026, user=community, answered=False)
    fill_scored(assessment, community, score="4")
    yield {**demo_accounts, "assessment": assessment}
    # The standards are reference data kept between browser tests: remove the local one, and first
    # what protects it (the append-only history goes by a raw delete, as the flush would do).
    AssessmentEvent.objects.all()._raw_delete("default")
    Evidence.objects.all().delete()
    Response.objects.all().delete()
    Assessment.objects.all().delete()
    local = StandardVersion.objects.filter(province__isnull=False)
    Criterion.objects.filter(standard__in=local).delete()
    Category.objects.filter(standard__in=local).delete()
    local.delete()
