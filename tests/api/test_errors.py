"""Error shapes and statuses: 400 with fields, 401, 403, 404, 409, 413; Chinese by default, English on request."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.review import services as review_services
from tests.assessments.conftest import PDF_BYTES


def test_401_without_credentials(api):
    r = api().get("/api/v1/assessments/")
    assert r.status_code == 401
    assert r.json()["code"] == "not_authenticated"
    assert r["WWW-Authenticate"].startswith("Token")


def test_wrong_password_is_400_and_token_is_throttled(api, community_user, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "write": "100/min"},
    }
    settings.AXES_ENABLED = False
    client = api()
    statuses = [
        client.post("/api/v1/auth/token/", {"username": "committee", "password": "nope"}).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    assert (
        client.post("/api/v1/auth/token/", {"username": "committee", "password": "x"}).json()["code"]
        == "throttled"
    )


def test_write_throttle(api, community_user, assessment, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "10/min", "write": "2/min"},
    }
    client = api(community_user)
    url = f"/api/v1/assessments/{assessment.pk}/responses/1/"
    codes = [client.put(url, {"rating": "not_met"}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.get(url.replace("responses/1/", "")).status_code == 200  # reads are not throttled


def test_400_names_the_field(api, community_user, assessment):
    r = api(community_user).put(f"/api/v1/assessments/{assessment.pk}/responses/1/", {"rating": "met"})
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "statement_required"
    assert list(body["fields"]) == ["statement"]


def test_chinese_by_default(api, community_user, assessment):
    r = api(community_user).put(f"/api/v1/assessments/{assessment.pk}/responses/1/", {"rating": "excellent"})
    assert r.status_code == 400
    assert r.json()["message"] == "部分字段无效。"
    assert r.json()["fields"]["rating"] == ["“excellent” 不是合法选项。"]
    assert api().get("/api/v1/assessments/").json()["message"] == "身份认证信息未提供。"


def test_english_with_accept_language(api, community_user, assessment):
    r = api(community_user, HTTP_ACCEPT_LANGUAGE="en").put(
        f"/api/v1/assessments/{assessment.pk}/responses/1/", {"rating": "met"}
    )
    assert r.status_code == 400
    assert r.json()["message"] == "Describe what was done: a statement is required for met and largely met."


def test_serializer_validation_is_400_with_field_names(api, community_user, assessment):
    r = api(community_user, HTTP_ACCEPT_LANGUAGE="en").put(
        f"/api/v1/assessments/{assessment.pk}/responses/1/", {"rating": "excellent", "figure": "abc"}
    )
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "invalid"
    assert set(body["fields"]) == {"rating", "figure"}
    assert body["message"] == "Some fields are not valid."


def test_403_when_the_role_may_not_act(api, city_user, assessment):
    r = api(city_user, HTTP_ACCEPT_LANGUAGE="en").put(
        f"/api/v1/assessments/{assessment.pk}/responses/1/", {"rating": "not_met"}
    )
    assert r.status_code == 403
    assert r.json() == {"code": "forbidden", "message": "Your role may not do this.", "fields": {}}


def test_403_community_may_not_approve(api, community_user, submitted):
    r = api(community_user).post(f"/api/v1/assessments/{submitted.pk}/approve/", {})
    assert r.status_code == 403


def test_409_on_stale_response_version(api, community_user, assessment):
    client = api(community_user)
    url = f"/api/v1/assessments/{assessment.pk}/responses/2/"
    assert client.put(url, {"rating": "not_met", "version": 0}).status_code == 200
    r = client.put(url, {"rating": "not_met", "version": 0})
    assert r.status_code == 409
    assert r.json()["code"] == "stale_version"


def test_409_on_wrong_state(api, community_user, city_user, submitted):
    assert api(community_user).post(f"/api/v1/assessments/{submitted.pk}/submit/", {}).status_code == 409
    r = api(city_user).post(
        f"/api/v1/assessments/{submitted.pk}/recommend/", {"version": submitted.version - 1}
    )
    assert r.status_code == 409
    assert r.json()["code"] == "stale_version"


def test_return_needs_a_reason_then_puts_comments(api, city_user, submitted):
    client = api(city_user)
    r = client.post(f"/api/v1/assessments/{submitted.pk}/return/", {"reason": ""})
    assert r.status_code == 400 and "reason" in r.json()["fields"]
    r = client.post(
        f"/api/v1/assessments/{submitted.pk}/return/",
        {"reason": "照片不清晰", "comments": {"3": "请补充照片"}},
    )
    assert r.status_code == 200 and r.json()["state"] == "returned"
    submitted.refresh_from_db()
    assert submitted.responses.get(criterion__number=3).review_comment == "请补充照片"


def test_413_for_an_upload_over_the_limit(api, community_user, assessment, settings):
    settings.EVIDENCE_MAX_BYTES = 20
    r = api(community_user).post(
        f"/api/v1/assessments/{assessment.pk}/responses/1/evidence/",
        {"file": SimpleUploadedFile("big.pdf", PDF_BYTES, content_type="application/pdf")},
        format="multipart",
    )
    assert r.status_code == 413
    assert r.json()["code"] == "file_too_large"
    assert "file" in r.json()["fields"]


def test_remove_evidence(api, community_user, assessment):
    client = api(community_user)
    r = client.post(
        f"/api/v1/assessments/{assessment.pk}/responses/1/evidence/",
        {"file": SimpleUploadedFile("a.pdf", PDF_BYTES, content_type="application/pdf")},
        format="multipart",
    )
    evidence_id = r.json()["id"]
    assert client.delete(f"/api/v1/assessments/{assessment.pk}/evidence/{evidence_id}/").status_code == 204
    assert client.delete(f"/api/v1/assessments/{assessment.pk}/evidence/{evidence_id}/").status_code == 404


@pytest.mark.parametrize("role_fixture", ["community_user", "city_user", "ministry_user"])
def test_revoke_is_province_only(api, request, approved_assessment, role_fixture):
    r = api(request.getfixturevalue(role_fixture)).post(
        f"/api/v1/assessments/{approved_assessment.pk}/revoke/", {"reason": "复查不合格"}
    )
    assert r.status_code == 403


def test_province_revokes(api, province_user, approved_assessment):
    r = api(province_user).post(
        f"/api/v1/assessments/{approved_assessment.pk}/revoke/", {"reason": "复查不合格"}
    )
    assert r.status_code == 200 and r.json()["state"] == "revoked"


@pytest.fixture
def approved_assessment(submitted, city_user, province_user):
    review_services.assessment_recommend(assessment=submitted, user=city_user)
    return review_services.assessment_approve(assessment=submitted, user=province_user)
