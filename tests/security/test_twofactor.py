"""Two-factor sign-in (issue 13, item 5): TOTP with recovery codes for the roles of
TWO_FACTOR_ROLES, the admin site behind it too, and the reset by the level above."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from apps.accounts import twofactor
from apps.accounts.models import Role
from apps.api.models import ApiToken
from apps.core.models import TraceEvent
from tests.factories import UserFactory, region

PASSWORD = "correct-horse-battery"
ROLES_ON = ["province", "ministry", "admin"]


@pytest.fixture(autouse=True)
def _clean(db):
    AccessAttempt.objects.all().delete()


@pytest.fixture
def on(settings):
    settings.TWO_FACTOR_ROLES = ROLES_ON


def sign_in(username):
    client = Client()
    r = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert r.status_code == 302
    return client


def code_for(device, drift=0):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


def enrol(client, user):
    page = client.get(reverse("security:twofactor-setup"))
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    r = client.post(reverse("security:twofactor-setup"), {"code": code_for(device)})
    assert r.status_code == 200
    return page, r


def test_off_by_default_nobody_is_asked(province_user, settings):
    assert settings.TWO_FACTOR_ROLES == []
    client = sign_in(province_user.username)
    assert client.get(reverse("home")).status_code == 200


def test_a_provincial_user_must_enrol_then_gets_ten_recovery_codes(on, province_user):
    client = sign_in(province_user.username)
    r = client.get(reverse("home"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("security:twofactor-setup"))
    # Nothing else is reachable meanwhile, not even the reset page or the API with the session.
    assert client.get(reverse("security:tokens")).status_code == 302
    assert client.get("/api/v1/regions/").status_code == 403
    assert client.get("/api/v1/regions/").json()["code"] == "two_factor_required"
    page, codes_page = enrol(client, province_user)
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html  # inline QR code
    device = TOTPDevice.objects.get(user=province_user)
    secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', html).group(1)
    import base64

    assert (
        base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
        == device.bin_key
    )
    assert device.confirmed
    codes = codes_page.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert StaticToken.objects.filter(device__user=province_user).count() == 10
    assert "二次验证" in codes_page.content.decode() or "恢复码" in codes_page.content.decode()
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_first_code_is_refused_with_a_message(on, province_user):
    client = sign_in(province_user.username)
    client.get(reverse("security:twofactor-setup"))
    r = client.post(reverse("security:twofactor-setup"), {"code": "000000"})
    assert r.status_code == 200 and "验证码不正确" in r.content.decode()
    assert not TOTPDevice.objects.filter(user=province_user, confirmed=True).exists()
    assert client.get(reverse("home")).status_code == 302


def test_each_sign_in_asks_for_the_code_after_the_password(on, province_user, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrol(sign_in(province_user.username), province_user)
    device = TOTPDevice.objects.get(user=province_user)
    client = sign_in(province_user.username)
    r = client.get(reverse("communities:list"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("security:twofactor-verify"))
    wrong = client.post(reverse("security:twofactor-verify"), {"code": "123456", "next": "/communities/"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    assert client.get(reverse("home")).status_code == 302
    # The next step's code (the enrolment used this step's: codes are not accepted twice).
    ok = client.post(
        reverse("security:twofactor-verify"), {"code": code_for(device, drift=1), "next": "/communities/"}
    )
    assert ok.status_code == 302 and ok["Location"] == "/communities/"
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(on, province_user):
    _page, codes_page = enrol(sign_in(province_user.username), province_user)
    code = codes_page.context["codes"][0]
    client = sign_in(province_user.username)
    assert client.post(reverse("security:twofactor-verify"), {"code": code}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    again = sign_in(province_user.username)
    assert again.post(reverse("security:twofactor-verify"), {"code": code}).status_code == 200
    assert again.get(reverse("home")).status_code == 302
    assert StaticToken.objects.filter(device__user=province_user).count() == 9


def test_roles_not_listed_are_not_asked(on, community_user, city_user):
    for user in (community_user, city_user):
        assert sign_in(user.username).get(reverse("home")).status_code == 200


def test_the_admin_site_requires_the_code(on):
    UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    client = sign_in("root")
    r = client.get("/admin/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("security:twofactor-setup"))


def test_the_token_endpoint_needs_the_code(on, province_user, settings):
    settings.AXES_ENABLED = False
    api = APIClient()
    creds = {"username": province_user.username, "password": PASSWORD}
    assert api.post("/api/v1/auth/token/", creds).json()["code"] == "two_factor_not_set_up"
    enrol(sign_in(province_user.username), province_user)
    device = TOTPDevice.objects.get(user=province_user)
    missing = api.post("/api/v1/auth/token/", creds)
    assert missing.status_code == 400 and missing.json()["code"] == "otp_required"
    ok = api.post("/api/v1/auth/token/", {**creds, "otp": code_for(device, drift=1)})
    assert ok.status_code == 200 and ApiToken.objects.filter(user=province_user).count() == 1


def _enrolled(user):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    twofactor.new_recovery_codes(user)
    return device


def test_the_provincial_department_resets_an_account_of_its_province(province_user, city_user):
    _enrolled(city_user)
    client = Client()
    client.force_login(province_user)
    url = reverse("security:twofactor-reset", args=[city_user.pk])
    assert client.get(url).status_code == 200
    r = client.post(url)
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=city_user).exists()
    assert not StaticDevice.objects.filter(user=city_user).exists()
    event = TraceEvent.objects.filter(kind="account", subject=str(city_user.pk)).latest("id")
    assert event.actor == province_user and event.data["two_factor"] == "reset"


def test_the_reset_is_refused_outside_scope_and_below_the_province(province_user, city_user, ministry_user):
    beijing = UserFactory(username="dongcheng-dept", role=Role.CITY, region=region("110101"))
    _enrolled(beijing)
    client = Client()
    client.force_login(province_user)
    assert client.get(reverse("security:twofactor-reset", args=[beijing.pk])).status_code == 404
    assert client.post(reverse("security:twofactor-reset", args=[beijing.pk])).status_code == 404
    assert TOTPDevice.objects.filter(user=beijing).exists()
    for actor in (city_user, ministry_user):
        c = Client()
        c.force_login(actor)
        assert c.post(reverse("security:twofactor-reset", args=[beijing.pk])).status_code == 403
    assert TOTPDevice.objects.filter(user=beijing).exists()
    admin = UserFactory(username="root", role=Role.ADMIN, is_staff=True, is_superuser=True)
    c = Client()
    c.force_login(admin)
    assert c.post(reverse("security:twofactor-reset", args=[beijing.pk])).status_code == 302
    assert not TOTPDevice.objects.filter(user=beijing).exists()


def test_twofactor_reset_service_checks_the_actor(province_user, city_user):
    from apps.core.errors import ForbiddenError

    _enrolled(city_user)
    with pytest.raises(ForbiddenError):
        twofactor.twofactor_reset(actor=city_user, user=city_user)
    assert twofactor.twofactor_reset(actor=province_user, user=city_user) == 2


def test_the_account_page_of_the_level_above_links_the_reset(client_for, province_user, settings):
    settings.TWO_FACTOR_ROLES = []
    from django.urls import reverse
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tests.factories import UserFactory, region

    target = UserFactory(username="sh-city-2fa", role="city", region=region("310104"))
    client = client_for(province_user)
    page = client.get(reverse("accounts:detail", args=[target.pk]))
    assert page.status_code == 200 and b'data-testid="twofactor-reset"' not in page.content
    TOTPDevice.objects.create(user=target, name="phone", confirmed=True)
    page = client.get(reverse("accounts:detail", args=[target.pk]))
    assert reverse("security:twofactor-reset", args=[target.pk]).encode() in page.content
