"""GET /api/v1/standards/: the national standard and the local ones in scope, with categories,
criteria, the mapping onto the national criteria, points, thresholds, units and the pass mark."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.standards.selectors import national_standard
from tests.factories import UserFactory, region
from tests.standards.builders import VARIANT_MAPPING, variant_draft, variant_published


def test_detail_has_the_mapping_points_thresholds_and_pass_mark(api, community_user, province_user):
    standard = variant_published(province_user)
    body = api(community_user).get(f"/api/v1/standards/{standard.pk}/").json()
    assert (body["province"], body["year"], body["version"], body["state"]) == (
        "310000000000",
        2026,
        1,
        "published",
    )
    assert (body["total_points"], body["pass_mark"]) == ("100.00", "70.00")
    criteria = [c for cat in body["categories"] for c in cat["criteria"]]
    assert len(body["categories"]) == 5 and len(criteria) == 18
    assert {c["number"]: c["national_number"] for c in criteria} == VARIANT_MAPPING
    twelve = next(c for c in criteria if c["number"] == 12)
    assert twelve["threshold"] == "30.00" and twelve["unit"] == {
        "key": "percent",
        "symbol": "%",
        "minimum": "0.00",
        "maximum": "100.00",
    }
    assert sum(float(c["points"]) for c in criteria) == 100
    assert all(c["requires_evidence"] for c in criteria)
    assert next(c for c in criteria if c["number"] == 1)["unit"] is None


def test_scope_of_the_list(api, province_user, community_user, ministry_user):
    shanghai = variant_published(province_user)
    draft = variant_draft(province_user, year=2027)
    beijing = variant_published(UserFactory(role=Role.PROVINCE, region=region("11")), province="11")
    ids = {
        "community": {s["id"] for s in api(community_user).get("/api/v1/standards/").json()["results"]},
        "province": {s["id"] for s in api(province_user).get("/api/v1/standards/").json()["results"]},
        "ministry": {s["id"] for s in api(ministry_user).get("/api/v1/standards/").json()["results"]},
    }
    national = national_standard().pk
    assert ids["community"] == {national, shanghai.pk}  # published ones of its own province
    assert ids["province"] == {national, shanghai.pk, draft.pk}  # its own drafts too
    assert ids["ministry"] == {national, shanghai.pk, draft.pk, beijing.pk}
    assert api(community_user).get(f"/api/v1/standards/{draft.pk}/").status_code == 404
    assert api(province_user).get(f"/api/v1/standards/{beijing.pk}/").status_code == 404
    only = api(ministry_user).get("/api/v1/standards/?province=110000000000").json()["results"]
    assert [s["id"] for s in only] == [beijing.pk]
    assert [
        s["id"] for s in api(ministry_user).get("/api/v1/standards/?national=true").json()["results"]
    ] == [national]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx)


def test_queries_do_not_grow(api, province_user, ministry_user):
    client = api(ministry_user)
    few_list = _count(client, "/api/v1/standards/")
    few_detail = _count(client, f"/api/v1/standards/{national_standard().pk}/")
    standard = variant_published(province_user)
    for code in ("11", "12", "13"):
        variant_published(UserFactory(role=Role.PROVINCE, region=region(code)), province=code)
    assert _count(client, "/api/v1/standards/") == few_list
    assert _count(client, f"/api/v1/standards/{standard.pk}/") == few_detail <= 8
