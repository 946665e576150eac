"""Registry writes through the API: provincial staff, within their provincial unit, same rules as an import."""

from tests.factories import region


def test_province_creates_and_renames_a_community(api, province_user):
    client = api(province_user, HTTP_ACCEPT_LANGUAGE="en")
    r = client.post(
        "/api/v1/communities/", {"code": "310104003901", "name": "新建社区居委会", "street": "310104003"}
    )
    assert r.status_code == 201, r.content
    assert r.json()["county_name"] == region("310104").name
    r = client.patch("/api/v1/communities/310104003901/", {"name": "改名社区居委会"})
    assert r.status_code == 200 and r.json()["name"] == "改名社区居委会"
    r = client.post("/api/v1/communities/", {"code": "310104003901", "name": "重复", "street": "310104003"})
    assert r.status_code == 400 and r.json()["fields"] == {
        "code": ["A community with code 310104003901 already exists."]
    }


def test_province_may_not_add_outside_its_unit(api, province_user):
    r = api(province_user).post(
        "/api/v1/communities/", {"code": "110101001901", "name": "x", "street": "110101001"}
    )
    assert r.status_code == 400
    assert "street" in r.json()["fields"]


def test_code_must_match_street(api, province_user):
    r = api(province_user).post(
        "/api/v1/communities/", {"code": "310104004901", "name": "x", "street": "310104003"}
    )
    assert r.status_code == 400 and "code" in r.json()["fields"]


def test_other_roles_may_not_write(api, city_user, community_user, ministry_user, xuhui_community):
    for user in (city_user, community_user, ministry_user):
        r = api(user).patch(f"/api/v1/communities/{xuhui_community.code}/", {"name": "x"})
        assert r.status_code == 403, (user.role, r.content)


def test_filters(api, province_user, xuhui_community):
    client = api(province_user)
    assert client.get("/api/v1/communities/", {"search": xuhui_community.name}).json()["count"] == 1
    assert client.get("/api/v1/communities/", {"street": "310104004000"}).json()["count"] == 0
    assert client.get("/api/v1/communities/", {"county": "310104000000"}).json()["count"] == 1
    r = client.get("/api/v1/communities/", {"ordering": "-name"})
    assert r.status_code == 200


def test_standard_detail_has_16_criteria(api, community_user):
    client = api(community_user)
    standards = client.get("/api/v1/standards/").json()["results"]
    detail = client.get(f"/api/v1/standards/{standards[0]['id']}/").json()
    assert len(detail["categories"]) == 5
    assert sum(len(c["criteria"]) for c in detail["categories"]) == 16
