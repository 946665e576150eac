"""The history page shows readable changes ("名称：甲 → 乙"), never a raw data dict."""

import pytest
from django.urls import reverse

from apps.accounts.history_text import readable_changes
from apps.communities import services as registry
from apps.communities.models import Community

pytestmark = pytest.mark.django_db


def test_a_rename_reads_name_old_arrow_new(client_for, province_user, ministry_user):
    registry.community_save(
        user=province_user, code="310104003001", name="甲社区居委会", street_code="310104003"
    )
    community = Community.objects.get(pk="310104003001")
    registry.community_save(
        user=province_user,
        code="310104003001",
        name="乙社区居委会",
        street_code="310104003",
        community=community,
    )
    body = client_for(ministry_user).get(reverse("history")).content.decode()
    assert "名称：甲社区居委会 → 乙社区居委会" in body
    assert "{&#x27;" not in body and "{'" not in body and '{"' not in body
    # The street did not change: no line for it.
    assert "街道：310104003000 → 310104003000" not in body


def test_account_changes_are_opened_up():
    lines = readable_changes({"changed": {"role": ["city", "province"], "is_active": [True, True]}})
    assert lines == ["角色：city → province"]
    assert readable_changes({"after": {"username": "u1", "email": ""}}) == ["用户名：u1", "电子邮箱：—"]


def test_long_code_lists_are_shortened_and_digests_hidden():
    lines = readable_changes(
        {"added": 7, "added_codes": [str(i) for i in range(7)], "added_codes_sha256": "ab"}
    )
    assert lines[0] == "新增：7"
    assert lines[1].startswith("新增代码：0、1、2、3、4") and "共 7 项" in lines[1]
    assert len(lines) == 2
