"""Bulk creation picks its region with the cascading pickers and hands out a sheet that says where
to sign in and what to do first (issue 20, item 9)."""

import csv
import io

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from tests.factories import CommunityFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def shanghai(client):
    user = UserFactory(username="sh-dept", role=Role.PROVINCE, region=region("31"))
    client.force_login(user)
    CommunityFactory(street=region("310104003"), code="310104003001", name="天平一居委会")
    CommunityFactory(street=region("310104003"), code="310104003002", name="天平二居委会")
    CommunityFactory(street=region("310104004"), code="310104004001", name="湖南一居委会")
    return user


def test_the_bulk_page_has_the_cascading_pickers(client, shanghai):
    body = client.get(reverse("accounts:bulk")).content.decode()
    assert 'data-cascade="/regions/000000000000/children/"' in body
    assert "js/cascade.js" in body
    # Shanghai's pickers start at its districts (a municipality has no city level).
    assert '<select name="county"' in body and '<option value="310104000000">徐汇区</option>' in body


def test_the_pickers_name_the_region_of_the_preview(client, shanghai, django_assert_max_num_queries):
    # 19 whatever the number of communities: the pickers' levels, the preview's checks and the page.
    with django_assert_max_num_queries(19):
        response = client.get(
            reverse("accounts:bulk"),
            {"county": "310104000000", "street": "310104003000", "kind": "communities"},
        )
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.region.pk == "310104003000"
    assert [p.username for p in preview.create] == ["c310104003001", "c310104003002"]
    # The district alone: both of its streets.
    response = client.get(reverse("accounts:bulk"), {"county": "310104000000", "kind": "communities"})
    assert len(response.context["preview"].create) == 3


def test_the_sheet_says_where_to_sign_in_and_what_to_do_first(client, shanghai):
    response = client.post(
        reverse("accounts:bulk_confirm"), {"region": "310104003", "kind": "communities", "expected": "2"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "http://testserver/accounts/login/" in body and "设置自己的密码" in body
    sheet = client.get(reverse("accounts:bulk_sheet", args=[response.context["token"], "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(sheet.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["用户名", "名称", "代码", "一次性密码", "登录地址", "首次登录须知"]
    for row in rows[1:]:
        assert row[4] == "http://testserver/accounts/login/"
        assert "一次性密码" in row[5] and "设置自己的密码" in row[5] and "有效期至" in row[5]
