"""Every list endpoint runs a fixed number of queries, whatever the number of rows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AssessmentFactory, region


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.content
    return len(ctx), r.json()


def _assessments(n):
    AssessmentFactory.create_batch(n, community__street=region("310104004"), answered=False)


def test_list_endpoints_do_not_grow_with_rows(api, province_user, community_user, xuhui_community):
    client = api(province_user)
    urls = [
        "/api/v1/communities/",
        "/api/v1/assessments/?year=2026",
        "/api/v1/regions/?level=street",
        "/api/v1/standards/",
    ]
    _assessments(2)
    few = {u: _count(client, u)[0] for u in urls}
    _assessments(30)
    many = {}
    for u in urls:
        many[u], body = _count(client, u)
    assert few == many, (few, many)
    assert max(many.values()) <= 6, many
    assert body["count"] >= 1


def test_detail_and_history_do_not_grow_with_evidence(api, community_user, filled):
    client = api(community_user)
    n_detail, body = _count(client, f"/api/v1/assessments/{filled.pk}/")
    assert sum(len(r["evidence"]) for r in body["responses"]) == 16
    assert n_detail <= 8
    n_history, body = _count(client, f"/api/v1/assessments/{filled.pk}/history/")
    assert body["count"] == 17
    assert n_history <= 6
