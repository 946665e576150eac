import datetime as dt

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.api.services import issue_token
from apps.assessments.models import Assessment, State
from apps.naming.models import Batch, Objection
from apps.naming.procedure import BatchState

from .conftest import TODAY

pytestmark = pytest.mark.django_db
BASE = "/api/v1/naming"


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()


def api(user=None):
    client = APIClient()
    if user is not None:
        _token, key = issue_token(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_province_creates_publishes_and_names_a_batch(province_user, proposed_many, today):
    client = api(province_user)
    created = client.post(
        f"{BASE}/batches/",
        {
            "year": 2026,
            "title": "第一批",
            "notice_start": TODAY.isoformat(),
            "assessments": [a.pk for a in proposed_many],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert len(body["entries"]) == 5 and body["entries"][0]["county"] == "徐汇区"
    pk = body["id"]
    published = client.post(f"{BASE}/batches/{pk}/publish/", {"version": body["version"]}, format="json")
    assert published.status_code == 200 and published.json()["state"] == BatchState.PUBLISHED
    refused = client.post(
        f"{BASE}/batches/{pk}/name/",
        {"document_number": "沪建〔2026〕1号", "document_date": "2026-12-08"},
        format="json",
    )
    assert refused.status_code == 409 and refused.json()["code"] == "notice_running"
    today.set(TODAY + dt.timedelta(days=7))
    named = client.post(
        f"{BASE}/batches/{pk}/name/",
        {"document_number": "沪建〔2026〕1号", "document_date": "2026-12-08"},
        format="json",
    )
    assert named.status_code == 200 and named.json()["document_number"] == "沪建〔2026〕1号"
    assert Assessment.objects.filter(state=State.APPROVED).count() == 5


def test_batch_list_is_scoped_and_its_queries_bounded(
    province_user, beijing_province_user, published, django_assert_max_num_queries
):
    client = api(province_user)
    with django_assert_max_num_queries(8):
        response = client.get(f"{BASE}/batches/?year=2026")
    assert [b["id"] for b in response.json()["results"]] == [published.pk]
    assert api(beijing_province_user).get(f"{BASE}/batches/").json()["results"] == []
    assert api(beijing_province_user).get(f"{BASE}/batches/{published.pk}/").status_code == 404


def test_staff_objection_contact_only_for_the_provinces_staff(
    province_user, ministry_user, published, proposed_many
):
    client = api(province_user)
    created = client.post(
        f"{BASE}/batches/{published.pk}/objections/",
        {
            "assessment": proposed_many[0].pk,
            "text": "来信反映。",
            "name": "赵六",
            "phone": "13700000000",
            "source": "letter",
        },
        format="json",
    )
    assert created.status_code == 201 and created.json()["objector_name"] == "赵六"
    listed = client.get(f"{BASE}/batches/{published.pk}/objections/").json()["results"]
    assert listed[0]["objector_phone"] == "13700000000"
    ministry = api(ministry_user).get(f"{BASE}/batches/{published.pk}/objections/").json()["results"]
    assert ministry[0]["objector_name"] is None and "13700000000" not in str(ministry)
    # Resolve.
    pk = listed[0]["id"]
    assert (
        api(ministry_user)
        .post(f"{BASE}/objections/{pk}/resolve/", {"outcome": "dismissed", "reason": "x"}, format="json")
        .status_code
        == 403
    )
    resolved = client.post(
        f"{BASE}/objections/{pk}/resolve/", {"outcome": "dismissed", "reason": "不属实。"}, format="json"
    )
    assert resolved.status_code == 200 and resolved.json()["outcome"] == "dismissed"


def test_public_list_and_objection_without_an_account(published, proposed_many, settings, today):
    anonymous = api()
    listed = anonymous.get(f"{BASE}/public/batches/").json()["results"]
    assert [b["id"] for b in listed] == [published.pk]
    url = f"{BASE}/public/batches/{published.pk}/objections/"
    data = {"assessment": proposed_many[0].pk, "text": "有异议。", "name": "王五", "phone": "13912345678"}
    response = anonymous.post(url, data, format="json")
    assert response.status_code == 201 and "王五" not in str(response.json())
    bad = anonymous.post(url, {**data, "phone": "123"}, format="json")
    assert bad.status_code == 400 and bad.json()["fields"]["phone"]
    settings.OBJECTION_PER_ADDRESS_HOUR = 2
    assert anonymous.post(url, data, format="json").status_code == 429
    assert Objection.objects.count() == 1
    cache.clear()
    today.set(published.notice_end + dt.timedelta(days=1))
    closed = anonymous.post(url, data, format="json")
    assert closed.status_code == 409 and str(published.notice_end) in closed.json()["message"]


def test_a_draft_is_not_public(batch):
    assert api().post(f"{BASE}/public/batches/{batch.pk}/objections/", {}, format="json").status_code == 404
    assert api().get(f"{BASE}/public/batches/").json()["results"] == []
    assert Batch.objects.count() == 1


def test_stages_are_the_units_for_its_department_and_any_for_the_ministry(
    province_user, ministry_user, city_user, published
):
    own = api(province_user).get(f"{BASE}/stages/2026/").json()
    assert (own["province"], own["proposed"], own["in_notice"], own["named"]) == ("310000000000", 5, 5, 0)
    nation = api(ministry_user).get(f"{BASE}/stages/2026/").json()
    assert nation["in_notice"] == 5 and nation["province"] is None
    beijing = api(ministry_user).get(f"{BASE}/stages/2026/?province=110000000000").json()
    assert beijing["in_notice"] == 0
    assert api(city_user).get(f"{BASE}/stages/2026/").status_code == 403
