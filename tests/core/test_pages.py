import subprocess
import sys

import pytest
from django.urls import reverse

from tests.factories import UserFactory


def test_login_page_is_in_chinese_by_default(client, db):
    body = client.get(reverse("login")).content.decode()
    assert "登录" in body and 'lang="zh-hans"' in body


def test_pages_stay_chinese_for_an_english_browser(client, db):
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "登录" in body


def test_english_is_available_by_choice(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert "Log in" in body and 'lang="en"' in body


def test_login_with_wrong_password_says_so_in_chinese(client, ministry_user):
    response = client.post(reverse("login"), {"username": "ministry", "password": "wrong"})
    assert "用户名或密码不正确" in response.content.decode()


def test_login_and_home_show_role_and_scope(client, city_user):
    response = client.post(
        reverse("login"), {"username": city_user.username, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    body = client.get(reverse("home")).content.decode()
    assert "市县住房和城乡建设部门" in body
    assert "上海市徐汇区" in body


@pytest.mark.parametrize(
    ("fixture", "scope"),
    [("community_user", "上海市徐汇区天平路街道"), ("province_user", "上海市"), ("ministry_user", "全国")],
)
def test_home_scope_per_role(request, client_for, fixture, scope):
    body = client_for(request.getfixturevalue(fixture)).get(reverse("home")).content.decode()
    assert scope in body


def test_logout_needs_post_and_ends_the_session(client_for, ministry_user):
    client = client_for(ministry_user)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_admin_is_for_administrators_only(client_for, ministry_user):
    assert client_for(ministry_user).get("/admin/").status_code == 302
    admin = UserFactory(username="root", role="admin", is_staff=True, is_superuser=True)
    assert client_for(admin).get("/admin/").status_code == 200


def test_healthz_reports_database(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in ("ok", "eager")


def test_production_settings_refuse_to_start_without_secrets():
    code = "import django; django.setup()"
    env = {"DJANGO_SETTINGS_MODULE": "greencommunity.settings.production", "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    env |= {"DJANGO_SECRET_KEY": "x" * 60}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert "DATABASE_URL" in result.stderr


def test_seed_demo_refuses_without_debug(db, settings):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
