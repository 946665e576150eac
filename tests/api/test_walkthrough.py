"""A whole assessment through the API alone: token, create, 16 answers, evidence, submit, review, approve."""

from tests.assessments.conftest import PDF_BYTES

FIGURES = {5: "100", 12: "45"}


def test_whole_assessment_through_the_api(client, community_user, city_user, province_user, xuhui_community):
    from rest_framework.test import APIClient

    def login(user):
        c = APIClient()
        r = c.post(
            "/api/v1/auth/token/",
            {"username": user.username, "password": "correct-horse-battery"},
            format="json",
        )
        assert r.status_code == 200, r.content
        c.credentials(HTTP_AUTHORIZATION=f"Token {r.json()['token']}")
        return c

    community = login(community_user)
    r = community.post(
        "/api/v1/assessments/", {"community": xuhui_community.code, "year": 2026}, format="json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert body["state"] == "draft"
    assert len(body["responses"]) == 16

    for resp in body["responses"]:
        n = resp["criterion_number"]
        data = {"rating": "met", "statement": "已完成整治。", "version": resp["version"]}
        if n in FIGURES:
            data["figure"] = FIGURES[n]
        r = community.put(f"/api/v1/assessments/{pk}/responses/{n}/", data, format="json")
        assert r.status_code == 200, r.content
        assert r.json()["version"] == resp["version"] + 1
        r = community.post(
            f"/api/v1/assessments/{pk}/responses/{n}/evidence/",
            {"file": _pdf(), "caption": "会议纪要"},
            format="multipart",
        )
        assert r.status_code == 201, r.content
        assert r.json()["kind"] == "pdf"

    detail = community.get(f"/api/v1/assessments/{pk}/").json()
    assert detail["answered_count"] == 16 and detail["evidenced_count"] == 16
    r = community.post(f"/api/v1/assessments/{pk}/submit/", {"version": detail["version"]}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "submitted"

    city = login(city_user)
    for n in range(1, 17):
        r = city.post(
            f"/api/v1/assessments/{pk}/responses/{n}/review/", {"verdict": "confirmed"}, format="json"
        )
        assert r.status_code == 200, r.content
    version = city.get(f"/api/v1/assessments/{pk}/").json()["version"]
    r = city.post(f"/api/v1/assessments/{pk}/recommend/", {"version": version}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "recommended"

    province = login(province_user)
    r = province.post(f"/api/v1/assessments/{pk}/approve/", {}, format="json")
    assert r.status_code == 200, r.content
    assert r.json()["state"] == "approved"
    r = province.post(f"/api/v1/assessments/{pk}/designate/", {"citation": "垃圾分类示范"}, format="json")
    assert r.status_code == 200, r.content

    history = province.get(f"/api/v1/assessments/{pk}/history/").json()
    actions = [e["action"] for e in history["results"]]
    assert actions[0] == "created"
    assert actions[-3:] == ["recommended", "approved", "designated"]
    assert actions.count("evidence_added") == 16

    r = community.delete("/api/v1/auth/token/")
    assert r.status_code == 204
    assert community.get("/api/v1/assessments/").status_code == 401


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("minutes.pdf", PDF_BYTES, content_type="application/pdf")


def test_admin_revokes_any_token_in_the_admin_site(client, community_user):
    from apps.api.models import ApiToken
    from apps.api.services import issue_token
    from tests.factories import UserFactory

    token, key = issue_token(user=community_user)
    admin = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/api/apitoken/")
    assert listing.status_code == 200
    assert token.prefix in listing.content.decode() and key not in listing.content.decode()
    url = f"/admin/api/apitoken/{token.pk}/delete/"
    assert client.get(url).status_code == 200
    r = client.post(url, {"post": "yes"})
    assert r.status_code == 302
    assert not ApiToken.objects.filter(user=community_user).exists()


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/regions/",
        "/api/v1/standards/{id}/",
        "/api/v1/communities/{code}/",
        "/api/v1/assessments/{id}/responses/{number}/evidence/",
        "/api/v1/assessments/{id}/history/",
    ):
        assert path in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"<script>" not in docs.content  # no inline script (CSP), assets from the sidecar package
    english = client.get("/api/schema/", HTTP_ACCEPT="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    chinese = schema.json()
    param = next(
        p for p in chinese["paths"]["/api/v1/assessments/"]["get"]["parameters"] if p["name"] == "year"
    )
    param_en = next(
        p for p in english["paths"]["/api/v1/assessments/"]["get"]["parameters"] if p["name"] == "year"
    )
    assert param["description"] == "年度" and param_en["description"] == "Campaign year"
