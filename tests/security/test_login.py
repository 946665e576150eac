"""Login protection: lockout (django-axes), password rules, idle sessions, CSRF, production headers."""

import json
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import Role
from apps.accounts.sessions import SessionStore
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"


def attempt(client, username, password, ip="127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def axes_reset(db):
    from axes.models import AccessAttempt

    AccessAttempt.objects.all().delete()


def test_axes_is_configured_as_required():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0].startswith("axes.backends.")


def test_five_failures_lock_the_username_at_that_address_with_a_chinese_message(
    client, ministry_user, axes_reset
):
    for _n in range(4):
        response = attempt(client, "ministry", "wrong")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    locked = attempt(client, "ministry", "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "账户已锁定" in body and "5 次" in body and "60 分钟后重试" in body and "管理员解锁" in body
    # Now even the right password is refused, and no session is opened.
    again = attempt(client, "ministry", PASSWORD)
    assert again.status_code == 429
    assert client.get(reverse("home")).status_code == 302


def test_lockout_does_not_lock_others_at_the_same_address_nor_the_user_elsewhere(
    client, ministry_user, city_user, axes_reset
):
    for _n in range(5):
        attempt(client, "ministry", "wrong")
    assert attempt(client, "ministry", PASSWORD).status_code == 429
    # Another account from the same address logs in.
    assert attempt(Client(), city_user.username, PASSWORD).status_code == 302
    # The same account from another address logs in (lockout is per username AND address).
    assert attempt(Client(), "ministry", PASSWORD, ip="10.20.30.40").status_code == 302


def test_an_administrator_unlocks_the_account(client, ministry_user, axes_reset):
    for _n in range(5):
        attempt(client, "ministry", "wrong")
    assert attempt(client, "ministry", PASSWORD).status_code == 429
    call_command("axes_reset_username", "ministry", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert attempt(client, "ministry", PASSWORD).status_code == 302


def test_an_administrator_unlocks_from_the_admin(client, ministry_user, axes_reset):
    from axes.models import AccessAttempt

    for _n in range(5):
        attempt(Client(), "ministry", "wrong")
    attempt_row = AccessAttempt.objects.get(username="ministry")
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    staff = Client()
    staff.force_login(admin)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "ministry" in listing.content.decode()
    response = staff.post(reverse("admin:axes_accessattempt_delete", args=[attempt_row.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert attempt(client, "ministry", PASSWORD).status_code == 302


def test_successful_login_resets_the_failure_count(client, ministry_user, axes_reset):
    for _n in range(4):
        attempt(client, "ministry", "wrong")
    assert attempt(client, "ministry", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _n in range(4):
        assert attempt(client, "ministry", "wrong").status_code == 200


@pytest.mark.parametrize(
    "password", ["short1", "1234567890123", "password123", "committee-xuhui", "qwertyuiop"]
)
def test_weak_passwords_are_refused(password, db):
    user = UserFactory.build(username="committee-xuhui", email="committee-xuhui@example.org")
    with pytest.raises(ValidationError):
        validate_password(password, user=user)


def test_a_strong_password_is_accepted(db):
    validate_password("绿色社区-2026-Xuhui!", user=UserFactory.build(username="someone"))


# --- Sessions --------------------------------------------------------------------------------------


def test_idle_timeout_comes_from_the_environment():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_AGE)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.test",
        "SESSION_IDLE_MINUTES": "5",
    }
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "300"


def test_activity_renews_the_session_and_idleness_ends_it(client, ministry_user):
    assert attempt(client, "ministry", PASSWORD).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    # Each request pushes the expiry SESSION_COOKIE_AGE into the future.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + timedelta(minutes=1))
    assert client.get(reverse("home")).status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(minutes=29)
    # 31 minutes without a request: the stored session has expired and the user is logged out.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() - timedelta(minutes=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_renewal_within_the_minute_writes_nothing_and_idleness_never_lasts_longer(client, ministry_user):
    assert attempt(client, "ministry", PASSWORD).status_code == 302
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Renewed 10 seconds ago: the next page leaves the stored expiry alone (no transaction).
    recent = timezone.now() + age - timedelta(seconds=10)
    Session.objects.filter(session_key=key).update(expire_date=recent)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(session_key=key).expire_date == recent
    # Renewed 70 seconds ago: written again, SESSION_COOKIE_AGE from now.
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + age - timedelta(seconds=70))
    before = timezone.now()
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.get(session_key=key).expire_date >= before + age
    # Either way the browser's cookie lasts SESSION_COOKIE_AGE from the last request, not longer.
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_what_is_written_into_a_session_is_saved_at_once(ministry_user):
    store = SessionStore()
    store["seen"] = "first"
    store.save()  # a new session, its expiry fresh
    again = SessionStore(store.session_key)
    again["seen"] = "second"
    again.save()  # the expiry moved by a second, but the data changed: written
    assert SessionStore(store.session_key)["seen"] == "second"
    # A session deleted meanwhile (signed out in another tab) is not brought back by a renewal.
    stale = SessionStore(store.session_key)
    assert stale["seen"] == "second"  # read at the start of the request, as every request reads it
    Session.objects.filter(session_key=store.session_key).delete()
    stale.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()


@pytest.mark.django_db
def test_a_gone_session_that_was_never_read_is_refused_as_django_refuses_it():
    """A cookie whose session no longer exists, on a request that never read it: the renewal neither
    starts an empty session nor writes anything, as Django's own database sessions refuse it."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    for store in (SessionStore, DjangoStore):
        with pytest.raises(UpdateError):
            store("gone" + "x" * 28).save()
    assert not Session.objects.exists()
    # A page (which reads the session) with such a cookie: served, the cookie dropped, nothing stored.
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "gone" + "x" * 28
    response = client.get(reverse("login"))
    assert response.status_code == 200 and not Session.objects.exists()
    assert response.cookies[settings.SESSION_COOKIE_NAME].value == ""


# --- CSRF ------------------------------------------------------------------------------------------


def test_csrf_is_enforced_on_login_logout_and_language(ministry_user, axes_reset):
    client = Client(enforce_csrf_checks=True)
    assert attempt(client, "ministry", PASSWORD).status_code == 403
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    ok = client.post(
        reverse("login"), {"username": "ministry", "password": PASSWORD, "csrfmiddlewaretoken": str(token)}
    )
    assert ok.status_code == 302
    assert client.post(reverse("logout")).status_code == 403
    assert client.post(reverse("set_language"), {"language": "en"}).status_code == 403
    assert client.get(reverse("home")).status_code == 200  # still logged in: the forged logout failed


def test_csrf_middleware_is_not_bypassed():
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE


# --- Production settings ---------------------------------------------------------------------------

PRODUCTION_PROBE = r"""
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
response = Client().get("/healthz", secure=True, HTTP_HOST="portal.example.org")
# /healthz is exempt from the HTTPS redirect (plain-HTTP health checks): probe a page.
plain = Client().get("/accounts/login/", HTTP_HOST="portal.example.org")
health_plain = Client().get("/healthz", HTTP_HOST="portal.example.org")
print(json.dumps({
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "CSRF_COOKIE_SECURE": settings.CSRF_COOKIE_SECURE,
    "SESSION_COOKIE_HTTPONLY": settings.SESSION_COOKIE_HTTPONLY,
    "SECURE_HSTS_SECONDS": settings.SECURE_HSTS_SECONDS,
    "DEBUG": settings.DEBUG,
    "status": response.status_code,
    "headers": dict(response.headers),
    "plain_status": plain.status_code,
    "plain_location": plain.get("Location", ""),
    "health_plain_status": health_plain.status_code,
}))
"""


@pytest.fixture
def production_env(tmp_path):
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.production",
        "DJANGO_SECRET_KEY": "p" * 30 + "-production-probe-key-" + "q" * 30,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "PERSONAL_DATA_KEYS": "dGVzdC1rZXktZm9yLXBlcnNvbmFsLWRhdGEtMDEyMzQ=",
    }


def test_production_sets_secure_cookies_hsts_and_csp(production_env):
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE],
        env=production_env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["DEBUG"] is False
    assert probe["SESSION_COOKIE_SECURE"] and probe["CSRF_COOKIE_SECURE"] and probe["SESSION_COOKIE_HTTPONLY"]
    assert probe["SECURE_HSTS_SECONDS"] >= 31536000
    headers = probe["headers"]
    assert probe["status"] == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    # Plain HTTP is redirected to HTTPS.
    assert probe["plain_status"] == 301 and probe["plain_location"].startswith("https://")
    # Health checks from the load balancer and containers speak plain HTTP: exempt from the redirect.
    assert probe["health_plain_status"] == 200


def test_check_deploy_is_clean(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=production_env,
        capture_output=True,
        text=True,
        check=False,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stdout + result.stderr
