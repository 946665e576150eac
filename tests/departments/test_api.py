"""The departments in the API: consultations (answered by the department asked), owned criteria and
report co-signatures, in the schema and scoped like the pages."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from apps.departments import consulting
from apps.departments.models import OwnedCriterion

from .conftest import TODAY, dept_type, make_department

pytestmark = pytest.mark.django_db


def test_consultation_answered_through_the_api(opinions_procedure, batch, province_user, police, today):
    (c,) = consulting.consultation_send(
        user=province_user,
        batch=batch,
        department_type_ids=[dept_type("public_security").pk],
        deadline=TODAY + dt.timedelta(days=2),
    )
    beijing = make_department("bj-gongan", "public_security", place="11")
    client = APIClient()
    client.force_authenticate(beijing)
    listed = client.get("/api/v1/departments/consultations/").json()
    assert (listed["results"] if isinstance(listed, dict) else listed) == []
    assert (
        client.post(
            f"/api/v1/departments/consultations/{c.pk}/answer/", {"answer": "none"}, format="json"
        ).status_code
        == 404
    )
    client.force_authenticate(police)
    entry = batch.entries.order_by("pk").first()
    response = client.post(
        f"/api/v1/departments/consultations/{c.pk}/answer/",
        {"answer": "objection", "objections": {str(entry.pk): "不符合"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (
        body["answer"] == "objection" and body["objections"][0]["community"] == entry.assessment.community_id
    )
    client.force_authenticate(province_user)
    listed = client.get("/api/v1/departments/consultations/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [r["id"] for r in rows] == [c.pk]
    assert (
        client.post(
            f"/api/v1/departments/consultations/{c.pk}/answer/", {"answer": "none"}, format="json"
        ).status_code
        == 403
    )


def test_schema_lists_the_departments_endpoints(province_user):
    client = APIClient()
    client.force_authenticate(province_user)
    schema = client.get("/api/schema/?format=json").content.decode()
    for path in (
        "/api/v1/departments/consultations/",
        "/api/v1/departments/owned-criteria/",
        "/api/v1/departments/signatures/",
    ):
        assert path in schema


def test_owned_criteria_listed_for_the_province_and_its_departments(province_user, police):
    from apps.standards.models import Criterion

    criterion = Criterion.objects.filter(standard__province__isnull=True, number=11).first()
    OwnedCriterion.objects.create(criterion=criterion, department_type=dept_type("public_security"))
    client = APIClient()
    client.force_authenticate(police)
    assert client.get("/api/v1/departments/owned-criteria/").status_code == 200
