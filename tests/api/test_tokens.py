"""API tokens (issue 13, item 4): they expire, a user lists and revokes their own, and a password
change or a deactivation revokes them all (whatever path changed it)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.api.models import ApiToken, hash_key
from apps.api.services import issue_token
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _no_axes(settings):
    settings.AXES_ENABLED = False


def client_with(key, lang="zh-hans"):
    client = APIClient(HTTP_ACCEPT_LANGUAGE=lang)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_endpoint_issues_an_expiring_hashed_token(settings, community_user):
    settings.API_TOKEN_DAYS = 30
    r = APIClient().post(TOKEN, {"username": "committee", "password": PASSWORD, "name": "nightly sync"})
    assert r.status_code == 200
    key = r.json()["token"]
    token = ApiToken.objects.get(user=community_user)
    assert token.name == "nightly sync"
    # Only the hash is kept; the key works.
    assert token.key_hash == hash_key(key) and key not in (token.key_hash, token.prefix)
    assert abs(token.expires - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert client_with(key).get("/api/v1/assessments/").status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_the_expiry_is_configurable(settings, community_user):
    settings.API_TOKEN_DAYS = 2
    token, _key = issue_token(user=community_user)
    assert token.expires - token.created < timedelta(days=2, minutes=1)
    assert token.expires - token.created > timedelta(days=2) - timedelta(minutes=1)


def test_an_expired_token_is_401_with_a_clear_message(community_user):
    token, key = issue_token(user=community_user)
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - timedelta(seconds=1))
    r = client_with(key).get("/api/v1/assessments/")
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == "not_authenticated"
    assert "令牌已于" in body["message"] and "过期" in body["message"]
    en = client_with(key, "en").get("/api/v1/assessments/")
    assert en.status_code == 401 and "expired" in en.json()["message"]
    # A token still valid for a second works.
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() + timedelta(seconds=30))
    assert client_with(key).get("/api/v1/assessments/").status_code == 200


def test_an_unknown_token_is_401(community_user):
    r = client_with("not-a-token").get("/api/v1/assessments/")
    assert r.status_code == 401 and r.json()["code"] == "not_authenticated"


def test_a_password_change_revokes_every_token(community_user):
    _t1, key1 = issue_token(user=community_user)
    _t2, key2 = issue_token(user=community_user)
    other, other_key = issue_token(user=UserFactory(username="someone-else"))
    community_user.set_password("another-long-passphrase")
    community_user.save()
    assert not ApiToken.objects.filter(user=community_user).exists()
    for key in (key1, key2):
        assert client_with(key).get("/api/v1/assessments/").status_code == 401
    # Other users' tokens stay.
    assert ApiToken.objects.filter(pk=other.pk).exists()


def test_a_password_change_in_the_admin_revokes_tokens(client, community_user):
    issue_token(user=community_user)
    admin = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    client.force_login(admin)
    r = client.post(
        f"/admin/accounts/user/{community_user.pk}/password/",
        {"password1": "brand-new-passphrase-42", "password2": "brand-new-passphrase-42"},
    )
    assert r.status_code == 302
    assert not ApiToken.objects.filter(user=community_user).exists()


def test_deactivation_revokes_every_token_and_other_saves_do_not(community_user):
    issue_token(user=community_user)
    community_user.first_name = "新名字"
    community_user.save()
    community_user.last_login = timezone.now()
    community_user.save(update_fields=["last_login"])
    assert ApiToken.objects.filter(user=community_user).count() == 1
    community_user.is_active = False
    community_user.save()
    assert not ApiToken.objects.filter(user=community_user).exists()


def test_a_user_lists_only_their_own_tokens_without_keys(api, community_user, city_user):
    mine, mine_key = issue_token(user=community_user, name="mine")
    issue_token(user=city_user, name="theirs")
    client = client_with(mine_key)
    r = client.get("/api/v1/auth/tokens/")
    assert r.status_code == 200
    rows = r.json()
    assert [row["name"] for row in rows] == ["mine"]
    assert rows[0]["id"] == mine.pk and rows[0]["current"] is True and rows[0]["expired"] is False
    assert mine_key not in r.content.decode()


def test_a_user_revokes_their_own_token_and_not_anothers(community_user, city_user):
    mine, mine_key = issue_token(user=community_user)
    spare, _spare_key = issue_token(user=community_user)
    theirs, _theirs_key = issue_token(user=city_user)
    client = client_with(mine_key)
    assert client.delete(f"/api/v1/auth/tokens/{theirs.pk}/").status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    assert client.delete(f"/api/v1/auth/tokens/{spare.pk}/").status_code == 204
    assert not ApiToken.objects.filter(pk=spare.pk).exists()
    # DELETE /auth/token/ revokes the token of the request.
    assert client.delete(TOKEN).status_code == 204
    assert not ApiToken.objects.filter(pk=mine.pk).exists()
    assert client.get("/api/v1/auth/tokens/").status_code == 401


def test_the_tokens_page_lists_issues_and_revokes_own_tokens(
    community_user, city_user, django_assert_max_num_queries
):
    for n in range(5):
        issue_token(user=community_user, name=f"sync-{n}")
    theirs, _key = issue_token(user=city_user, name="theirs")
    client = Client()
    client.force_login(community_user)
    url = reverse("security:tokens")
    with django_assert_max_num_queries(11):
        page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and "API 令牌" in html
    assert html.count("sync-") == 5 and "theirs" not in html
    # Issue one: the key is shown once.
    r = client.post(url, {"name": "new one"})
    assert r.status_code == 200
    key = r.context["new_key"]
    assert key in r.content.decode() and ApiToken.objects.get(key_hash=hash_key(key)).name == "new one"
    assert key not in client.get(url).content.decode()
    # A control character is refused with a message, nothing created, the text kept.
    bad = client.post(url, {"name": "bad\x07name"})
    assert bad.status_code == 200 and "控制字符" in bad.content.decode()
    assert ApiToken.objects.filter(user=community_user).count() == 6
    # Revoke: own works, another's is 404.
    assert client.post(reverse("security:token-revoke", args=[theirs.pk])).status_code == 404
    assert ApiToken.objects.filter(pk=theirs.pk).exists()
    mine = ApiToken.objects.filter(user=community_user).first()
    assert client.post(reverse("security:token-revoke", args=[mine.pk])).status_code == 302
    assert not ApiToken.objects.filter(pk=mine.pk).exists()


def test_a_one_time_password_gets_no_token_until_the_user_chose_a_password(community_user):
    from apps.accounts import onetime

    code = onetime.issue(community_user)
    community_user.save()
    r = APIClient().post(TOKEN, {"username": "committee", "password": code})
    assert r.status_code == 400 and r.json()["code"] == "password_change_required"
    assert "请先登录平台并设置自己的密码" in r.json()["message"]
    assert not ApiToken.objects.filter(user=community_user).exists()
