"""Bulk creation from the registry: preview with reasons, then all or nothing, one-time passwords."""

import datetime

import pytest
from django.urls import reverse

from apps.accounts import bulk, onetime
from apps.accounts.models import Role, User
from apps.core.errors import ConflictError, ForbiddenError, NotFoundError
from apps.core.models import TraceAction, TraceEvent, TraceKind
from tests.factories import CommunityFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def xuhui():
    return UserFactory(username="xuhui-dept", role=Role.CITY, region=region("310104"))


@pytest.fixture
def registry():
    street = region("310104003")
    rows = {
        n: CommunityFactory(street=street, code=f"310104003{n:03d}", name=f"第{n}居委会") for n in range(1, 6)
    }
    rows[4].retired_on, rows[4].retirement = datetime.date(2024, 1, 1), "abolished"
    rows[4].save()
    UserFactory(username="existing", role=Role.COMMUNITY, community=rows[5])
    UserFactory(username="c310104003003", role=Role.MINISTRY)  # the derived name is taken
    CommunityFactory(street=region("310104004"), code="310104004001", name="湖南一居委会")
    CommunityFactory(street=region("110101001"), code="110101001001", name="东城一居委会")
    return rows


def test_preview_lists_what_is_created_and_why_the_rest_is_not(xuhui, registry):
    preview = bulk.bulk_preview(actor=xuhui, region=region("310104003"))
    assert [p.username for p in preview.create] == ["c310104003001", "c310104003002"]
    reasons = {s.code: s.reason for s in preview.skipped}
    assert reasons == {
        "310104003003": "用户名 c310104003003 已被占用",
        "310104003004": "已从名录中撤销",
        "310104003005": "已有账户",
    }
    assert not User.objects.filter(username="c310104003001").exists()  # a preview creates nothing


def test_confirm_creates_all_with_one_time_passwords_and_history(xuhui, registry):
    sheet = bulk.bulk_create_accounts(actor=xuhui, region=region("310104"), expected=3)
    assert [r["username"] for r in sheet] == ["c310104003001", "c310104003002", "c310104004001"]
    user = User.objects.get(username="c310104003001")
    assert (user.role, user.community_id, user.must_change_password) == (Role.COMMUNITY, "310104003001", True)
    assert not user.has_usable_password()
    assert onetime.matches(user, sheet[0]["password"]) and not onetime.is_expired(user)
    assert sheet[0]["password"] not in user.one_time_hash
    event = TraceEvent.objects.get(kind=TraceKind.ACCOUNT, action=TraceAction.CREATED)
    assert (event.actor_id, event.data["count"], event.province_id) == (xuhui.pk, 3, "310000000000")
    # Stable: a second run finds nothing left to create.
    assert bulk.bulk_preview(actor=xuhui, region=region("310104")).create == []


def test_all_or_nothing_when_the_preview_is_out_of_date(xuhui, registry):
    with pytest.raises(ConflictError):
        bulk.bulk_create_accounts(actor=xuhui, region=region("310104"), expected=5)
    assert not User.objects.filter(role=Role.COMMUNITY, username__startswith="c3101040").exists()


def test_scope_and_level(xuhui, registry):
    with pytest.raises(NotFoundError):
        bulk.bulk_preview(actor=xuhui, region=region("110101"))
    committee = User.objects.get(username="existing")
    with pytest.raises((ForbiddenError, NotFoundError)):
        bulk.bulk_preview(actor=committee, region=region("310104003"))
    # A county department creates no department accounts; a city of a real city does.
    with pytest.raises(ForbiddenError):
        bulk.bulk_preview(actor=xuhui, region=region("310104"), kind=bulk.DEPARTMENTS)
    province = UserFactory(username="p-sh", role=Role.PROVINCE, region=region("31"))
    preview = bulk.bulk_preview(actor=province, region=region("310104"), kind=bulk.DEPARTMENTS)
    names = [p.username for p in preview.create]
    assert names[0] == "s310104003000" and len(names) == len(set(names)) > 5  # every street of 徐汇区
    assert {s.code: s.reason for s in preview.skipped} == {"310104000000": "已有账户"}  # xuhui-dept


def test_pages_preview_confirm_download_and_sign_in(client, xuhui, registry):
    import csv
    import io

    client.force_login(xuhui)
    response = client.get(reverse("accounts:bulk"), {"region": "310104003", "kind": "communities"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "c310104003001" in body and "已从名录中撤销" in body
    assert not User.objects.filter(username="c310104003001").exists()
    response = client.post(
        reverse("accounts:bulk_confirm"), {"region": "310104003", "kind": "communities", "expected": "2"}
    )
    assert response.status_code == 200
    token = response.context["token"]
    sheet = client.get(reverse("accounts:bulk_sheet", args=[token, "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(sheet.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "用户名" and [r[0] for r in rows[1:]] == ["c310104003001", "c310104003002"]
    xlsx = client.get(reverse("accounts:bulk_sheet", args=[token, "xlsx"]))
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    # Forgotten: the sheet is gone.
    assert client.post(reverse("accounts:bulk_sheet_forget", args=[token])).status_code == 302
    assert client.get(reverse("accounts:bulk_sheet", args=[token, "csv"])).status_code == 404
    # One community signs in with its one-time password and must choose its own.
    client.logout()
    username, password = rows[1][0], rows[1][3]
    assert client.post(reverse("login"), {"username": username, "password": password}).status_code == 302
    response = client.get(reverse("assessments:current"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:password_change")
    )


def test_a_stale_preview_creates_nothing_and_says_why(client, xuhui, registry):
    client.force_login(xuhui)
    response = client.post(
        reverse("accounts:bulk_confirm"), {"region": "310104003", "kind": "communities", "expected": "7"}
    )
    assert response.status_code == 409
    assert "预览已过时" in response.content.decode()
    assert response.context["preview"] is not None
    assert not User.objects.filter(username="c310104003001").exists()


def test_a_region_outside_the_scope_is_refused_on_the_page(client, xuhui, registry):
    client.force_login(xuhui)
    response = client.get(reverse("accounts:bulk"), {"region": "110101", "kind": "communities"})
    assert response.status_code == 400
    assert "您的范围内没有这个代码的区划" in response.content.decode()
    assert 'value="110101"' in response.content.decode()
