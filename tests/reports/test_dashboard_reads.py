"""The national dashboard's small reads (co-signatures, targets, report status, trend, the menu's
unread notices) are kept in the shared cache between views (apps.core.versioned), and every write
to what they read shows on the next view at once."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.departments import services as department_services
from apps.notices import services as notice_services
from apps.reports import jobs
from apps.reports import services as report_services
from apps.reports.models import AnnualReport
from apps.targets.services import target_set
from tests.departments.conftest import dept_type, make_department
from tests.factories import region

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reports.urls")]
SH = "310000000000"
YEAR = 2025
URL = reverse("reports:national", args=[YEAR])


@pytest.fixture
def world(small_world, ministry_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.compile_job_start(user=ministry_user, kind="year", year=YEAR)
    return {"report": AnnualReport.objects.get(province_id=SH, year=YEAR), "x": small_world["x"]}


def _view(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
    return html, [q["sql"] for q in queries.captured_queries]


def _sh_row(html: str) -> str:
    return re.search(rf'<tr data-code="{SH}".*?</tr>', html, re.S).group(0)


CACHED_TABLES = (
    "departments_reportsignature",
    "targets_target",
    "reports_annualreport",
    "assessments_notice",
    '"regions_region"',
)


def test_second_view_reads_less_and_shows_the_same(client, ministry_user, world, shared_cache):
    client.force_login(ministry_user)
    first_html, first = _view(client)
    second_html, second = _view(client)
    assert second_html == first_html
    # Co-signatures, targets, the reports and the units of the status, the trend, unread notices.
    assert len(second) <= len(first) - 6, second
    for table in CACHED_TABLES:
        assert any(table in sql for sql in first), table
        assert not any(table in sql for sql in second), table


def test_reads_every_time_without_a_shared_cache(client, ministry_user, world, settings):
    """The per-process memory cache cannot be dropped for the other processes: no read is cached."""
    settings.VERSIONED_READS_IN_LOCAL_CACHE = False
    client.force_login(ministry_user)
    _view(client)
    _html, second = _view(client)
    for table in CACHED_TABLES:
        assert any(table in sql for sql in second), table


def test_a_co_signature_shows_at_once(client, ministry_user, province_user, world, shared_cache):
    report = world["report"]
    police = make_department("sh-gongan", "public_security", name="上海市公安局")
    client.force_login(ministry_user)
    assert 'data-testid="cosign"' not in _sh_row(_view(client)[0])
    department_services.report_departments_set(
        actor=province_user,
        report=report,
        department_type_ids=[dept_type("public_security").pk, dept_type("civil_affairs").pk],
    )
    client.force_login(ministry_user)
    assert "会签 0/2" in _sh_row(_view(client)[0])
    signature = report.signatures.get(department_type__code="public_security")
    department_services.report_confirm(user=police, signature=signature)
    client.force_login(ministry_user)
    assert "会签 1/2" in _sh_row(_view(client)[0])


def test_a_target_shows_at_once(client, ministry_user, world, shared_cache):
    client.force_login(ministry_user)
    assert 'data-testid="target-section"' not in _view(client)[0]
    target_set(user=ministry_user, area=region("31"), year=YEAR, participation="", meeting="50")
    assert 'data-testid="target-section"' in _view(client)[0]


def test_a_submitted_report_and_its_notice_show_at_once(
    client, ministry_user, province_user, world, shared_cache
):
    report = world["report"]
    client.force_login(ministry_user)
    html = _view(client)[0]
    assert "status-late" not in _sh_row(html)
    assert 'class="nav-count"' not in html
    for field in ("mechanism", "measures", "support", "problems", "plans"):
        setattr(report, field, "内容")
    report.save()
    report_services.annual_report_submit(report=report, user=province_user, today=dt.date(2025, 12, 3))
    html = _view(client)[0]
    assert "status-late" in _sh_row(html)
    assert re.search(r'class="nav-count"\s+aria-label="[^"]*">1</span>', html)
    notice_services.notice_mark_read(user=ministry_user)
    assert 'class="nav-count"' not in _view(client)[0]


def test_new_figures_show_at_once(client, ministry_user, world, shared_cache):
    """The cards and the table are cached fragments: an approval of the year, once the unit's
    figures are refreshed (a new snapshot time), shows on the next view."""
    from apps.reports.figures.store import unit_figures_refresh
    from tests.factories import CommunityFactory

    from .conftest import at, make_assessment

    client.force_login(ministry_user)
    html = _view(client)[0]
    approved = int(re.search(r'data-figure="approved">(\d+)<', _sh_row(html)).group(1))
    nation = int(re.search(r'data-testid="national-approved">(\d+)<', html).group(1))
    community = CommunityFactory(street=region("310104003"), code="310104003009")
    make_assessment(
        community, YEAR, "approved", first_submitted_at=at(2025, 5, 1), approved_at=at(2025, 6, 1)
    )
    unit_figures_refresh(province_id=SH, years=[YEAR])
    html = _view(client)[0]
    assert f'data-figure="approved">{approved + 1}<' in _sh_row(html)
    assert f'data-testid="national-approved">{nation + 1}<' in html
