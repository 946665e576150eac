"""Filters accept what their schema says and refuse the rest (400 naming the parameter): codes are
ASCII digits, years are years, an enum is its values; a parameter given empty is not "no filter"."""

import pytest


@pytest.mark.parametrize(
    ("url", "param"),
    [
        ("/api/v1/assessments/?year=", "year"),
        ("/api/v1/assessments/?year=٢٠٢٦", "year"),
        ("/api/v1/assessments/?year=1999", "year"),
        ("/api/v1/assessments/?state=", "state"),
        ("/api/v1/assessments/?state=lost", "state"),
        ("/api/v1/assessments/?city=3101", "city"),
        ("/api/v1/assessments/?county=", "county"),
        ("/api/v1/communities/?street=３１０１０４００３０００", "street"),
        ("/api/v1/communities/?province=3", "province"),
        ("/api/v1/regions/?level=", "level"),
        ("/api/v1/standards/?province=上海", "province"),
    ],
)
def test_what_the_schema_does_not_allow_is_400(api, province_user, url, param):
    r = api(province_user).get(url)
    assert r.status_code == 400, (url, r.content)
    assert list(r.json()["fields"]) == [param]


def test_the_filters_filter(api, province_user, xuhui_community, assessment):
    client = api(province_user)
    assert client.get("/api/v1/communities/", {"province": "31"}).json()["count"] == 1
    assert client.get("/api/v1/communities/", {"province": "310000000000"}).json()["count"] == 1
    assert client.get("/api/v1/communities/", {"province": "11"}).json()["count"] == 0
    assert client.get("/api/v1/communities/", {"search": ""}).json()["count"] == 1
    assert client.get("/api/v1/assessments/", {"year": 2026, "county": "310104000000"}).json()["count"] == 1
    assert client.get("/api/v1/assessments/", {"year": 2025}).json()["count"] == 0
    assert client.get("/api/v1/regions/", {"parent": "310104000000", "level": "street"}).json()["count"] > 0
