import pytest
from django.urls import reverse

from .conftest import answer

pytestmark = pytest.mark.django_db


def test_results_for_staff_in_scope_only(client_for, survey, xuhui_community, other_community, city_user):
    answer(survey, xuhui_community, "a1", [5, 4, 1], comment="电话 13912345678")
    answer(survey, xuhui_community, "a2", [2, 4, 5])
    client = client_for(city_user)
    url = reverse("api:residents_api:results", kwargs={"code": xuhui_community.code, "year": 2026})
    data = client.get(url).json()
    assert data["answers"] == 2
    assert [q["satisfied"] for q in data["questions"]] == [1, 2, 1]
    assert data["gate_met"] is False
    assert data["comments"][0]["text"] == "电话 139****5678"
    other = reverse("api:residents_api:results", kwargs={"code": other_community.code, "year": 2026})
    assert client.get(other).status_code == 404


def test_surveys_of_the_callers_province(client_for, survey, province_user, beijing_province_user):
    url = reverse("api:residents_api:surveys")
    assert [s["year"] for s in client_for(province_user).get(url).json()["results"]] == [2026]
    assert client_for(beijing_province_user).get(url).json()["results"] == []


def test_public_community_without_account(client, submitted):
    url = reverse("api:residents_api:public-community", kwargs={"code": submitted.community_id})
    data = client.get(url).json()
    assert data["status"] == "in_review"
    assert len(data["claims"]) == 16
    assert "review_comment" not in str(data)
    assert (
        client.get(reverse("api:residents_api:public-community", kwargs={"code": "310104003999"})).status_code
        == 404
    )


def test_schema_lists_the_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/residents/surveys/",
        "/api/v1/residents/results/",
        "/api/v1/residents/public/communities/",
    ):
        assert path in schema


def test_results_cost_the_same_queries_for_1_or_20_answers(client_for, survey, xuhui_community, city_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(city_user)
    url = reverse("api:residents_api:results", kwargs={"code": xuhui_community.code, "year": 2026})
    answer(survey, xuhui_community, "first", [5, 4, 3], comment="意见")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(20):
        answer(survey, xuhui_community, f"q{i}", [5, 4, 3], comment=f"意见{i}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["answers"] == 21
    assert len(many) == len(one) <= 12
