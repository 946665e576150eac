"""Another region's object answers 404 at every endpoint, exactly like an unknown one."""

import pytest

from tests.factories import AssessmentFactory, UserFactory


@pytest.fixture
def beijing(other_community):
    user = UserFactory(username="dongcheng-committee", role="community", community=other_community)
    assessment = AssessmentFactory(community=other_community, year=2026, user=user)
    return assessment


def _endpoints(a):
    evidence = a.responses.get(criterion__number=1).evidence.first()
    base = f"/api/v1/assessments/{a.pk}"
    return [
        ("get", f"{base}/", None),
        ("get", f"{base}/history/", None),
        ("put", f"{base}/responses/1/", {"rating": "met", "statement": "x"}),
        ("post", f"{base}/responses/1/evidence/", None),
        ("delete", f"{base}/evidence/{evidence.pk}/", None),
        ("post", f"{base}/submit/", {}),
        ("post", f"{base}/responses/1/review/", {"verdict": "confirmed"}),
        ("post", f"{base}/recommend/", {}),
        ("post", f"{base}/return/", {"reason": "x"}),
        ("post", f"{base}/approve/", {}),
        ("post", f"{base}/revoke/", {"reason": "x"}),
        ("post", f"{base}/designate/", {"citation": "x"}),
        ("get", f"/api/v1/communities/{a.community_id}/", None),
        ("patch", f"/api/v1/communities/{a.community_id}/", {"name": "改名"}),
        ("put", f"/api/v1/communities/{a.community_id}/", {"name": "改名", "street": a.street_id}),
        ("get", f"/api/v1/regions/{a.street_id}/", None),
    ]


@pytest.mark.parametrize("who", ["community_user", "city_user", "province_user"])
def test_every_endpoint_answers_404_outside_scope(api, request, beijing, who):
    client = api(request.getfixturevalue(who))
    for method, url, data in _endpoints(beijing):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 404, (who, method, url, response.content)
        assert response.json()["code"] == "not_found"
    unknown = client.get("/api/v1/assessments/999999/")
    assert unknown.status_code == 404


def test_creating_an_assessment_for_another_community_is_404(api, community_user, other_community):
    r = api(community_user).post("/api/v1/assessments/", {"community": other_community.code, "year": 2026})
    assert r.status_code == 404


def test_lists_hold_only_rows_in_scope(api, city_user, beijing, xuhui_community, community_user):
    own = AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    client = api(city_user)
    assert [a["id"] for a in client.get("/api/v1/assessments/").json()["results"]] == [own.pk]
    codes = [c["code"] for c in client.get("/api/v1/communities/").json()["results"]]
    assert codes == [xuhui_community.code]
    regions = client.get("/api/v1/regions/", {"level": "county"}).json()["results"]
    assert [r["code"] for r in regions] == ["310104000000"]


def test_ministry_sees_everything(api, ministry_user, beijing, xuhui_community):
    codes = {c["code"] for c in api(ministry_user).get("/api/v1/communities/").json()["results"]}
    assert {beijing.community_id, xuhui_community.code} <= codes
