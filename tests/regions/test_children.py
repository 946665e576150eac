"""The region pickers' endpoint: children of a region in the caller's scope; another region 404."""

from django.urls import reverse

from apps.regions.models import Region


def children(client, code=None):
    url = reverse("regions:children", args=[code]) if code else reverse("regions:top")
    return client.get(url)


def test_ministry_walks_province_to_street(client_for, ministry_user):
    client = client_for(ministry_user)
    top = children(client).json()["regions"]
    assert len(top) == Region.objects.filter(level="province").count()
    assert {"code": "310000000000", "name": "上海市", "level": "province"} in top
    counties = children(client, "310000000000").json()["regions"]
    assert counties and {r["level"] for r in counties} == {"county"}  # a municipality: no city level
    assert len(counties) == Region.objects.filter(parent_id="310000000000").count()
    streets = children(client, "310104000000").json()["regions"]
    assert {r["level"] for r in streets} == {"street"}
    assert "310104003000" in {r["code"] for r in streets}


def test_city_department_sees_its_own_district_only(client_for, city_user):
    client = client_for(city_user)
    # Its province's children: only its own district.
    assert [r["code"] for r in children(client, "310000000000").json()["regions"]] == ["310104000000"]
    assert children(client, "310104000000").status_code == 200
    assert children(client, "310101000000").status_code == 404  # 黄浦区: another district
    assert children(client, "110101000000").status_code == 404  # 北京市东城区
    assert children(client).status_code == 404  # the national top is not theirs


def test_anonymous_is_sent_to_login(client, db):
    assert children(client, "310104000000").status_code == 302
