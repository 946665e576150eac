"""Chinese and plain words (issue 20, item 8): the password rules speak Chinese under the new
password, an empty sign-in says what is missing, the change history reads as words and local
times, and the API documentation is not in a community committee's menu."""

import re

import pytest
from django.urls import reverse

from apps.accounts.history_text import readable_changes
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory's


def error_of(body: str, field: str) -> list[str]:
    return re.findall(rf'<div class="error" role="alert" data-error-for="{field}">([^<]*)</div>', body)


def test_a_too_short_password_is_refused_in_chinese_under_the_new_password(client_for, community_user):
    client = client_for(community_user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "12345", "new_password2": "12345"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    under_new = error_of(body, "new_password1")
    assert "密码太短，至少需要 10 个字符。" in under_new
    assert "密码只包含数字。" in under_new
    assert error_of(body, "new_password2") == []
    assert "too short" not in body
    # The message comes after the field it is about.
    assert body.index('id="id_new_password1"') < body.index("密码太短")


def test_the_forced_change_after_a_one_time_password_is_chinese_too(client_for, community_user):
    community_user.set_unusable_password()
    community_user.save()
    body = (
        client_for(community_user)
        .post(reverse("accounts:password_change"), {"new_password1": "abc", "new_password2": "abc"})
        .content.decode()
    )
    assert "密码太短，至少需要 10 个字符。" in error_of(body, "new_password1")


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [({"username": "someone", "password": ""}, "password", "请输入密码。"),
     ({"username": "", "password": "x"}, "username", "请输入用户名。")],
)  # fmt: skip
def test_an_empty_field_at_sign_in_says_what_is_missing(client, typed, field, message):
    response = client.post(reverse("login"), typed)
    assert response.status_code == 200
    body = response.content.decode()
    assert f'data-testid="{field}-error">{message}</div>' in body
    assert f'id="id_{field}_error"' in body and f'aria-describedby="id_{field}_error"' in body


def test_history_reads_chain_levels_local_times_and_bulk_kinds():
    chain = readable_changes({"year": 2026, "before": "", "after": "street,county,province"}, "chain")
    assert chain == [
        "年度：2026",
        "变更前：—",
        "变更后：街道办事处 → 区县住房和城乡建设部门 → 省级住房和城乡建设部门",
    ]
    # UTC in the data, Beijing time on the page.
    assert readable_changes({"one_time_expires": "2027-01-06T01:32:00+00:00"}, "account") == [
        "一次性密码有效期至：2027-01-06 09:32"
    ]
    bulk = readable_changes(
        {"bulk": "communities", "region": "310104000000", "count": 2, "usernames": ["c1", "c2"]}, "account"
    )
    assert bulk == ["批量创建：社区居委会", "所属区划：310104000000", "账户数：2", "用户名列表：c1、c2"]
    assert readable_changes({"retirement": "merged"}, "registry") == ["撤销方式：合并（并入其他社区）"]
    assert readable_changes({"password": "changed", "forced": True}, "account") == [
        "密码：已修改",
        "使用一次性密码登录后：是",
    ]


def test_history_page_has_no_raw_keys(client_for, province_user, community_user):
    trace_append(
        kind=TraceKind.CHAIN,
        action=TraceAction.CHAIN_SET,
        actor=province_user,
        subject="310000000000/2026",
        subject_label="2026",
        province_id="310000000000",
        data={"year": 2026, "before": "county,province", "after": "street,county,province"},
    )
    trace_append(
        kind=TraceKind.ACCOUNT,
        action=TraceAction.PASSWORD_RESET,
        actor=province_user,
        subject=str(community_user.pk),
        subject_label=community_user.username,
        province_id="310000000000",
        data={"one_time_expires": "2027-01-06T01:32:00+00:00"},
    )
    body = client_for(province_user).get(reverse("history")).content.decode()
    for raw in ("one_time_expires", "street,county,province", "T01:32:00", "bulk："):
        assert raw not in body
    assert "一次性密码有效期至：2027-01-06 09:32" in body
    assert "变更后：街道办事处 → 区县住房和城乡建设部门 → 省级住房和城乡建设部门" in body


def test_the_api_docs_are_not_in_a_committees_menu(client_for, community_user, city_user):
    docs = reverse("api:docs")
    assert f'href="{docs}"' not in client_for(community_user).get("/").content.decode()
    assert f'href="{docs}"' in client_for(city_user).get("/").content.decode()
