"""Department accounts are created and managed by the housing department of the same level; they
read their area's report and confirm it; the co-ministries' national accounts read the national PDF."""

import pytest
from django.test import Client

from apps.accounts import capabilities
from apps.accounts.managing import account_manage_check
from apps.accounts.selectors import accounts_manageable_by
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError
from apps.departments import services
from apps.departments.models import ReportSignature
from apps.reports import services as report_services
from tests.factories import UserFactory, region

from .conftest import dept_type, make_department

pytestmark = pytest.mark.django_db


def test_the_province_creates_and_manages_its_department_accounts(province_user, city_user, ministry_user):
    account, code = services.department_account_create(
        actor=province_user,
        username="sh-shengtai",
        display_name="上海市生态环境局",
        department_type=dept_type("ecology"),
        region=region("31"),
    )
    assert account.role == "department" and account.must_change_password and len(code) == 12
    assert account.department_profile.department_type.code == "ecology"
    assert account in accounts_manageable_by(province_user)
    account_manage_check(province_user, account)  # no error: the province manages it
    with pytest.raises(ForbiddenError):  # a county department does not create provincial ones
        services.department_account_create(
            actor=city_user,
            username="x-dept",
            display_name="x",
            department_type=dept_type("ecology"),
            region=region("31"),
        )
    with pytest.raises(ConflictError):
        services.department_account_create(
            actor=province_user,
            username="sh-shengtai",
            display_name="again",
            department_type=dept_type("ecology"),
            region=region("31"),
        )
    beijing = make_department("bj-shengtai", "ecology", place="11")
    with pytest.raises(NotFoundError):
        account_manage_check(province_user, beijing)
    national, _code = services.department_account_create(
        actor=ministry_user,
        username="mee",
        display_name="生态环境部",
        department_type=dept_type("ecology"),
        region=None,
    )
    assert national in accounts_manageable_by(ministry_user)
    assert national not in accounts_manageable_by(province_user)


def test_departments_manage_nobody_and_decide_nothing():
    police = make_department("sh-gongan", "public_security")
    assert not capabilities.can_manage_accounts(police)
    assert not capabilities.is_reviewer(police)
    assert not capabilities.can_configure_province(police)
    assert not capabilities.can_see_national(police)
    assert capabilities.can_explore_figures(police)
    assert capabilities.can_read_reports(police)


def test_report_co_signed_and_shown(province_user):
    report = report_services.annual_report_ensure(province_code="310000000000", year=2026)
    police = make_department("sh-gongan", "public_security", name="上海市公安局")
    beijing_police = make_department("bj-gongan", "public_security", place="11")
    signatures = services.report_departments_set(
        actor=province_user,
        report=report,
        department_type_ids=[dept_type("public_security").pk, dept_type("civil_affairs").pk],
    )
    assert len(signatures) == 2
    with pytest.raises(ForbiddenError):
        services.report_departments_set(actor=police, report=report, department_type_ids=[])
    mine = ReportSignature.objects.get(department_type__code="public_security")
    client = Client()
    client.force_login(beijing_police)
    assert client.get(f"/reports/{report.pk}/").status_code == 404
    assert client.post(f"/departments/signatures/{mine.pk}/confirm/").status_code == 404
    client.force_login(police)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert 'data-testid="cosign-form"' in page
    assert client.post(f"/departments/signatures/{mine.pk}/confirm/", {"comment": ""}).status_code == 302
    mine.refresh_from_db()
    assert mine.state == "confirmed" and mine.signed_by == police and mine.signed_at is not None
    with pytest.raises(ConflictError):
        services.report_confirm(user=police, signature=mine)
    client.force_login(province_user)
    page = client.get(f"/reports/{report.pk}/").content.decode()
    assert "上海市公安局" in page and "已确认" in page


def test_national_pdf_shared_with_co_ministries_national_accounts():
    mps = make_department("mps", "public_security", place=None)
    city_mgmt = make_department("chengguan", "city_management", place=None)
    provincial = make_department("sh-gongan", "public_security")
    assert capabilities.can_read_national_pdf(mps)
    assert not capabilities.can_read_national_pdf(city_mgmt)
    assert not capabilities.can_read_national_pdf(provincial)
    assert capabilities.can_read_national_pdf(UserFactory(username="m", role="ministry"))
