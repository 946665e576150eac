"""The request-parsing guard: JSON bodies bounded in depth and size (400, the usual JSON error, also
without login); ids and numbers in paths are ASCII digits only (404 otherwise), on pages and in the
API; campaign years bounded by the years that exist; every /api/ error is the JSON error."""

import json

import pytest
from django.test import Client

from apps.assessments import services
from apps.core.errors import ServiceError

TOKEN = "/api/v1/auth/token/"


def _is_json_error(r, status, code=None):
    assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"code", "message", "fields"}
    if code:
        assert body["code"] == code, body
    return body


def test_deeply_nested_json_is_400_without_login(api):
    body = "[" * 5000 + "]" * 5000
    r = api().post(TOKEN, body, content_type="application/json")
    error = _is_json_error(r, 400, "json_too_deep")
    assert "64" in error["message"]


def test_nesting_limit_is_64_levels(api, community_user, assessment):
    client = api(community_user)
    url = f"/api/v1/assessments/{assessment.pk}/responses/1/"

    def nested(levels):
        # {"statement": "x", "extra": [[...]]}: the object itself is level 1.
        return json.dumps({"rating": "not_met", "extra": json.loads("[" * (levels - 1) + "]" * (levels - 1))})

    assert client.put(url, nested(64), content_type="application/json").status_code == 200
    _is_json_error(client.put(url, nested(65), content_type="application/json"), 400, "json_too_deep")
    # Brackets inside strings are text, not nesting.
    text = json.dumps({"rating": "not_met", "statement": "[" * 500})
    assert client.put(url, text, content_type="application/json").status_code == 200


def test_oversized_json_is_400(api, settings):
    settings.API_JSON_MAX_BYTES = 1000
    r = api().post(
        TOKEN, json.dumps({"username": "x" * 2000, "password": "y"}), content_type="application/json"
    )
    _is_json_error(r, 400, "json_too_large")


def test_malformed_json_is_the_json_error(api):
    _is_json_error(api().post(TOKEN, "{", content_type="application/json"), 400, "parse_error")


def test_form_bodies_are_refused_by_json_endpoints(api, community_user, assessment):
    r = api(community_user).put(
        f"/api/v1/assessments/{assessment.pk}/responses/1/",
        "rating=not_met",
        content_type="application/x-www-form-urlencoded",
    )
    _is_json_error(r, 415, "unsupported_media_type")


@pytest.mark.parametrize(
    "path",
    [
        "{bad}/",
        "{bad}/history/",
        "{bad}/responses/1/",
        "{ok}/responses/{bad}/",
        "{ok}/responses/{bad}/evidence/",
        "{ok}/evidence/{bad}/",
        "{bad}/approve/",
        "{bad}/submit/",
    ],
)
@pytest.mark.parametrize("bad", ["%C2%B2", "%D9%A3", "01", "1e3", "%EF%BC%91"])
def test_non_ascii_or_padded_digits_in_api_paths_are_404(api, community_user, assessment, path, bad):
    url = "/api/v1/assessments/" + path.format(bad=bad, ok=assessment.pk)
    client = api(community_user)
    for method in ("get", "post", "put", "delete"):
        _is_json_error(getattr(client, method)(url), 404, "not_found")


def test_api_lookups_by_code_take_12_ascii_digits(api, province_user, xuhui_community):
    client = api(province_user)
    assert client.get(f"/api/v1/communities/{xuhui_community.code}/").status_code == 200
    fullwidth = "".join(chr(ord(c) + 0xFEE0) for c in xuhui_community.code)
    _is_json_error(client.get(f"/api/v1/communities/{fullwidth}/"), 404)
    _is_json_error(client.get("/api/v1/regions/31/"), 404)
    assert client.get("/api/v1/regions/310000000000/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/assessments/0{pk}/", "/assessments/٣/", "/assessments/²/", "/assessments/{pk}/criteria/01/"]
)
def test_pages_take_ascii_ids_only(client_for, community_user, assessment, path):
    client = client_for(community_user)
    assert client.get(f"/assessments/{assessment.pk}/").status_code == 200
    assert client.get(path.format(pk=assessment.pk)).status_code == 404


def test_years_outside_the_campaign_do_not_exist(client_for, api, ministry_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    page = client_for(ministry_user)
    for year in (2019, 2027, 2100):
        assert page.get(f"/reports/national/{year}/").status_code == 404
        _is_json_error(api(ministry_user).get(f"/api/v1/reports/national/{year}/"), 404)
    assert page.get("/reports/national/02026/").status_code == 404


def test_a_community_may_not_open_an_assessment_for_2100(api, community_user, xuhui_community, settings):
    settings.CAMPAIGN_YEAR = 2026
    client = api(community_user)
    r = client.post("/api/v1/assessments/", {"community": xuhui_community.code, "year": 2100})
    error = _is_json_error(r, 400)
    assert "year" in error["fields"]
    with pytest.raises(ServiceError) as refused:
        services.assessment_create(community=xuhui_community, year=2027, user=community_user)
    assert refused.value.code == "unknown_year" and refused.value.field == "year"
    assert (
        client.post("/api/v1/assessments/", {"community": xuhui_community.code, "year": 2026}).status_code
        == 201
    )


def test_api_lockout_is_the_json_error(api, community_user, settings):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()
    settings.AXES_ENABLED = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "1000/min", "write": "1000/min"},
    }
    client = api()
    statuses = [
        client.post(TOKEN, {"username": "committee", "password": "wrong"}, REMOTE_ADDR="10.0.0.9").status_code
        for _ in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    r = client.post(
        TOKEN, {"username": "committee", "password": "correct-horse-battery"}, REMOTE_ADDR="10.0.0.9"
    )
    error = _is_json_error(r, 429, "locked_out")
    assert "暂停从您的地址登录" in error["message"]
    assert int(r["Retry-After"]) > 0


def test_django_errors_under_api_are_json(db):
    # A host Django refuses (400) and a server error (500) under /api/ leave as the JSON error.
    _is_json_error(Client().get("/api/v1/regions/", HTTP_HOST="evil.example"), 400, "bad_request")
    assert "text/html" in Client().get("/communities/", HTTP_HOST="evil.example")["Content-Type"]


def test_server_error_under_api_is_json(api, province_user, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("apps.api.registry_views.RegionViewSet.get_queryset", boom)
    client = api(province_user)
    client.raise_request_exception = False
    _is_json_error(client.get("/api/v1/regions/"), 500, "server_error")
