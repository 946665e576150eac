"""Two-factor sign-in (issue 13, item 5; issue 20, item 4): TOTP with recovery codes for the roles
of TWO_FACTOR_ROLES and for everyone who enrolled, the admin site behind it too, tokens issued
without a code that stop working once it applies, and the reset by the level above (or one's own
with a code), role by role."""

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
from apps.core.errors import ServiceError
from apps.core.models import TraceEvent
from tests.factories import UserFactory, region

PASSWORD = "correct-horse-battery"
ROLES_ON = ["province", "ministry", "admin"]


@pytest.fixture(autouse=True)
def _clean(db):
    from django.core.cache import cache

    AccessAttempt.objects.all().delete()
    cache.clear()  # the token endpoint's throttle counts of earlier tests


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


# --- issue 20, item 4 ---------------------------------------------------------------------------
# One account per rank in 上海市 (in the Shanghai users' scope), peers at the same rank, and the
# same ranks in 北京市 (outside it).


def _accounts(xuhui_community):
    from tests.factories import CommunityFactory

    beijing_community = CommunityFactory(street=region("110101001"), name="东城二次验证社区")
    make = UserFactory
    return {
        "committee": make(username="tf-committee", role=Role.COMMUNITY, community=xuhui_community),
        "street": make(username="tf-street", role=Role.STREET, region=region("310104003")),
        "street-peer": make(username="tf-street-2", role=Role.STREET, region=region("310104003")),
        "county": make(username="tf-county", role=Role.CITY, region=region("310104")),
        "county-peer": make(username="tf-county-2", role=Role.CITY, region=region("310104")),
        "province": make(username="tf-province", role=Role.PROVINCE, region=region("31")),
        "province-peer": make(username="tf-province-2", role=Role.PROVINCE, region=region("31")),
        "ministry": make(username="tf-ministry", role=Role.MINISTRY),
        "ministry-peer": make(username="tf-ministry-2", role=Role.MINISTRY),
        "admin": make(username="tf-admin", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "admin-peer": make(username="tf-admin-2", role=Role.ADMIN, is_staff=True, is_superuser=True),
        "bj-committee": make(username="tf-bj-committee", role=Role.COMMUNITY, community=beijing_community),
        "bj-county": make(username="tf-bj-county", role=Role.CITY, region=region("110101")),
        "bj-province": make(username="tf-bj-province", role=Role.PROVINCE, region=region("11")),
    }


ROLE_ACCOUNTS = ("committee", "street", "county", "province", "ministry", "admin")


@pytest.mark.parametrize("who", ROLE_ACCOUNTS)
def test_an_enrolled_user_is_asked_for_the_code_whatever_the_roles_say(who, xuhui_community, settings):
    """TWO_FACTOR_ROLES is empty (off): a user of any role who enrolled is still asked for the code
    at every sign-in, on pages and for API calls with the session."""
    settings.TWO_FACTOR_ROLES = []
    user = _accounts(xuhui_community)[who]
    client = sign_in(user.username)
    enrol(client, user)
    device = TOTPDevice.objects.get(user=user)
    again = sign_in(user.username)
    home = again.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("security:twofactor-verify"))
    api = again.get("/api/v1/regions/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"
    assert "二次验证" in api.json()["message"]
    ok = again.post(reverse("security:twofactor-verify"), {"code": code_for(device, drift=1)})
    assert ok.status_code == 302
    assert again.get(reverse("home")).status_code == 200
    assert again.get("/api/v1/regions/").status_code == 200


def test_a_user_who_never_enrolled_is_not_asked_when_the_roles_are_off(xuhui_community, settings):
    settings.TWO_FACTOR_ROLES = []
    for who in ROLE_ACCOUNTS:
        assert sign_in(_accounts(xuhui_community)[who].username).get(reverse("home")).status_code == 200


def test_the_setup_page_says_whether_the_role_requires_it(on, province_user, community_user):
    required = sign_in(province_user.username).get(reverse("security:twofactor-setup")).content.decode()
    assert 'data-testid="role-requires"' in required and "您的角色要求" in required
    optional = sign_in(community_user.username).get(reverse("security:twofactor-setup")).content.decode()
    assert 'data-testid="role-optional"' in optional and "您的角色不要求" in optional


def _token_works(key) -> int:
    return APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {key}").status_code


@pytest.mark.parametrize("who", ROLE_ACCOUNTS)
def test_a_token_issued_before_the_role_was_switched_on_stops_working(who, xuhui_community, settings):
    settings.TWO_FACTOR_ROLES = []
    settings.AXES_ENABLED = False
    user = _accounts(xuhui_community)[who]
    creds = {"username": user.username, "password": PASSWORD}
    old = APIClient().post("/api/v1/auth/token/", creds).json()["token"]
    assert _token_works(old) == 200
    settings.TWO_FACTOR_ROLES = ["community", "street", "city", "province", "ministry", "admin"]
    refused = APIClient().get("/api/v1/regions/", HTTP_AUTHORIZATION=f"Token {old}")
    assert refused.status_code == 401 and "二次验证" in refused.json()["message"]
    # A new one needs the code (after enrolling), and works.
    enrol(sign_in(user.username), user)
    device = TOTPDevice.objects.get(user=user)
    assert APIClient().post("/api/v1/auth/token/", creds).json()["code"] == "otp_required"
    new = APIClient().post("/api/v1/auth/token/", {**creds, "otp": code_for(device, drift=1)}).json()["token"]
    assert _token_works(new) == 200
    assert _token_works(old) == 401


@pytest.mark.parametrize("who", ROLE_ACCOUNTS)
def test_a_token_issued_before_the_user_enrolled_stops_working(who, xuhui_community, settings):
    """Roles off: the user's own enrolment is what makes two-factor apply. A token from the tokens
    page of a session that gave its code keeps working."""
    settings.TWO_FACTOR_ROLES = []
    settings.AXES_ENABLED = False
    user = _accounts(xuhui_community)[who]
    client = sign_in(user.username)
    before = client.post(reverse("security:tokens"), {"name": "before"}).context["new_key"]
    assert _token_works(before) == 200
    enrol(client, user)  # this session is now verified
    after = client.post(reverse("security:tokens"), {"name": "after"}).context["new_key"]
    assert _token_works(before) == 401
    assert _token_works(after) == 200
    assert ApiToken.objects.get(user=user, name="after").two_factor
    assert not ApiToken.objects.get(user=user, name="before").two_factor
    # The token endpoint asks the enrolled user for the code too.
    creds = {"username": user.username, "password": PASSWORD}
    refused = APIClient().post("/api/v1/auth/token/", creds)
    assert refused.status_code == 400 and refused.json()["code"] == "otp_required"


# Who may reset whose two-factor sign-in: the level above, by the rule of the account pages.
# 302: reset; 403: in scope but a peer or above (or the actor manages nobody); 404: outside scope.
RESET_EXPECTED = {
    "committee": {"street": 403, "county": 403, "province": 403, "bj-committee": 403},
    "street": {
        "committee": 302, "street-peer": 403, "county": 403, "province": 403, "ministry": 403,
        "admin": 403, "bj-committee": 404, "bj-county": 404,
    },
    "county": {
        "committee": 302, "street": 403, "county-peer": 403, "province": 403, "ministry": 403,
        "bj-committee": 404, "bj-county": 404, "bj-province": 404,
    },
    "province": {
        "committee": 302, "street": 302, "county": 302, "province-peer": 403, "ministry": 403,
        "admin": 403, "bj-committee": 404, "bj-county": 404, "bj-province": 404,
    },
    "ministry": {
        "committee": 302, "street": 302, "county": 302, "province": 302, "bj-province": 302,
        "ministry-peer": 403, "admin": 403,
    },
    "admin": {
        "committee": 302, "county": 302, "province": 302, "ministry": 302, "bj-county": 302,
        "admin-peer": 403,
    },
}  # fmt: skip


@pytest.mark.parametrize("actor_name", sorted(RESET_EXPECTED))
def test_only_the_level_above_resets_another_accounts_two_factor(actor_name, xuhui_community):
    """Every role against the accounts below it, its peers, the levels above it and another
    province's: only the level above resets; a refusal changes nothing and says so in Chinese."""
    accounts = _accounts(xuhui_community)
    actor = accounts[actor_name]
    client = Client()
    client.force_login(actor)
    for target_name, expected in RESET_EXPECTED[actor_name].items():
        target = accounts[target_name]
        _enrolled(target)
        url = reverse("security:twofactor-reset", args=[target.pk])
        page, post = client.get(url), client.post(url)
        where = f"{actor_name} -> {target_name}"
        assert post.status_code == expected, (where, post.status_code)
        assert page.status_code == (200 if expected == 302 else expected), (where, page.status_code)
        reset = not TOTPDevice.objects.filter(user=target).exists()
        assert reset == (expected == 302), where
        if expected == 403:
            assert "您无权打开此页面" in post.content.decode(), where
    # The account page links the reset only where it is allowed.
    for target_name, expected in RESET_EXPECTED[actor_name].items():
        target = accounts[target_name]
        _enrolled(target)
        detail = client.get(reverse("accounts:detail", args=[target.pk]))
        link = reverse("security:twofactor-reset", args=[target.pk]).encode()
        assert (detail.status_code == 200 and link in detail.content) == (expected == 302), target_name


@pytest.mark.parametrize("who", ROLE_ACCOUNTS)
def test_nobody_resets_their_own_without_a_current_code_or_a_recovery_code(who, xuhui_community, settings):
    # Wrong codes throttle the devices (tested by django-otp): off, so the right ones go through.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    user = _accounts(xuhui_community)[who]
    client = sign_in(user.username)
    _page, codes_page = enrol(client, user)
    device = TOTPDevice.objects.get(user=user)
    url = reverse("security:twofactor-reset", args=[user.pk])
    assert client.get(url).status_code == 200
    for code in ("", "000000"):
        refused = client.post(url, {"code": code})
        assert refused.status_code == 400, code
        assert TOTPDevice.objects.filter(user=user).exists()
    assert "恢复码" in refused.content.decode()
    with pytest.raises(ServiceError):
        twofactor.twofactor_reset(actor=user, user=user)
    # A recovery code resets it (so does a current code: below).
    ok = client.post(url, {"code": codes_page.context["codes"][0]})
    assert ok.status_code == 302 and not TOTPDevice.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.two_factor_since is None
    event = TraceEvent.objects.filter(kind="account", subject=str(user.pk)).latest("id")
    assert event.actor == user and event.data["two_factor"] == "reset"
    enrol(client, user)
    device = TOTPDevice.objects.get(user=user)
    assert client.post(url, {"code": code_for(device, drift=1)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_twofactor_reset_service_checks_the_actor(province_user, city_user):
    from apps.core.errors import ForbiddenError, NotFoundError

    _enrolled(city_user)
    _enrolled(province_user)
    with pytest.raises(ForbiddenError):
        twofactor.twofactor_reset(actor=city_user, user=province_user)
    beijing = UserFactory(username="bj-dept", role=Role.CITY, region=region("110101"))
    with pytest.raises(NotFoundError):
        twofactor.twofactor_reset(actor=province_user, user=beijing)
    assert twofactor.twofactor_reset(actor=province_user, user=city_user) == 2
