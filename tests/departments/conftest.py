import importlib

import pytest

from apps.departments.models import DepartmentProfile, DepartmentType
from apps.naming import services as naming_services
from tests.factories import UserFactory, region
from tests.naming.conftest import (  # noqa: F401
    TODAY,
    batch,
    procedure,
    proposed_many,
    today,
)


def dept_type(code: str) -> DepartmentType:
    found = DepartmentType.objects.filter(code=code, province__isnull=True).first()
    if found is None:
        # A transactional (browser) test before this one flushed the rows the migration wrote.
        types = importlib.import_module("apps.departments.migrations.0002_types_and_schedule").TYPES
        for type_code, name, order, co in types:
            DepartmentType.objects.update_or_create(
                code=type_code, province=None, defaults={"name": name, "order": order, "co_ministry": co}
            )
        found = DepartmentType.objects.get(code=code, province__isnull=True)
    return found


def make_department(username: str, code: str, place: str | None = "31", name: str = "") -> object:
    user = UserFactory(
        username=username, role="department", region=region(place) if place else None, display_name=name
    )
    DepartmentProfile.objects.create(user=user, department_type=dept_type(code))
    return user


@pytest.fixture
def police(db):
    return make_department("sh-gongan", "public_security", name="上海市公安局")


@pytest.fixture
def civil(db):
    return make_department("sh-minzheng", "civil_affairs", name="上海市民政局")


@pytest.fixture
def opinions_procedure(procedure, province_user):  # noqa: F811
    """Shanghai's procedure of 2026 with the departments' opinions before the public notice."""
    return naming_services.naming_procedure_set(
        user=province_user,
        province_id="310000000000",
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
        steps=["opinions"],
    )
