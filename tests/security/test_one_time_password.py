"""One-time passwords (issue 20, item 5): a session signed in with one reaches nothing but the
password change page and the logout, on every URL of the project (pages and API, reads and writes)
and for every role; it signs in once; revoking one's own token never counts with sign-ins."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts import onetime
from apps.accounts.models import Role
from apps.api.models import ApiToken
from apps.api.services import issue_token
from apps.assessments.models import Assessment
from tests.factories import UserFactory, region

from .matrix import ROUTES
from .test_url_matrix import url_for
from .world import BUILDERS, World, pdf_bytes, resolve_attr

ROLES = ("community", "street", "city", "province", "ministry", "admin")
FORCED = reverse("accounts:password_change") + "?forced=1"
# What a one-time session reaches, and how each answers (the matrix's own data and methods).
REACHABLE = {"accounts:password_change": 200, "logout": 405, "set_language": 302, "healthz": 200}


@pytest.fixture(autouse=True)
def _clean(db):
    AccessAttempt.objects.all().delete()
    cache.clear()


def give_one_time_password(user) -> str:
    """As the level above does (apps.accounts.services.account_reset_by_manager)."""
    code = onetime.issue(user)
    user.save()
    return code


def sign_in(username: str, password: str) -> Client:
    client = Client()
    r = client.post(reverse("login"), {"username": username, "password": password})
    assert r.status_code == 302, r.content.decode()[:2000]
    return client


def _refused(response, url: str) -> bool:
    if url.startswith("/api/"):
        return response.status_code == 403 and response.json()["code"] == "password_change_required"
    return response.status_code == 302 and response["Location"] == FORCED


def test_a_one_time_session_reaches_nothing_but_the_password_change_on_every_url_for_every_role(db):
    """Every URL of the registry (tests/security/matrix.py), with the objects of the matrix's world,
    for a session of every role signed in with a one-time password."""
    world = World()
    # The naming kinds propose their assessment under a naming procedure: a world of their own,
    # built last, so that the first world's assessment is approved as the other routes expect.
    naming_kinds = (
        "draft_batch",
        "batch",
        "objection",
        "objection_file",
        "site_plan",
        "site_sample",
        "site_assignment",
        "site_photo",
    )
    naming_world = World(suffix="-naming")
    # The departments' consultation needs a draft batch of its own (the naming world publishes its one).
    consulting_kinds = ("consultation", "department_objection")
    consulting_world = World(suffix="-consulting")

    def world_of(kind):
        if kind in consulting_kinds:
            return consulting_world
        return naming_world if kind in naming_kinds else world

    kinds = {route.obj for route in ROUTES.values() if route.obj}
    late = (*naming_kinds, *consulting_kinds)
    for kind in [*(k for k in BUILDERS if k not in late), *late]:
        if kind in kinds:  # in the builders' order: evidence before its assessment is submitted
            world_of(kind).get(kind, "inside")
    urls = []
    for name, route in sorted(ROUTES.items()):
        obj = world_of(route.obj).get(route.obj, "inside") if route.obj else None
        urls.append((name, route, obj, url_for(name, route, obj)))
    for role in ROLES:
        user = world.user(role)
        client = sign_in(user.username, give_one_time_password(user))
        failures = []
        for name, route, obj, url in urls:
            response = _request(client, route, url, obj)
            if name in REACHABLE:
                ok = response.status_code == REACHABLE[name] and not _refused(response, url)
            else:
                ok = _refused(response, url)
            if not ok:
                failures.append(f"{role} {route.method.upper()} {url}: {response.status_code}")
        assert not failures, "\n".join(failures)
        # The admin site too.
        assert client.get("/admin/")["Location"] == FORCED


def _request(client, route, url, obj):
    """The matrix's request (its method, form data and upload) with this signed-in client."""
    data = dict(route.data)
    for key, path in route.obj_data.items():
        data[key] = resolve_attr(obj, path)
    if route.upload:
        data[route.upload] = SimpleUploadedFile(
            "matrix.pdf", pdf_bytes("matrix"), content_type="application/pdf"
        )
        return getattr(client, route.method)(url, data)
    if url.startswith("/api/") and route.method != "get":
        return getattr(client, route.method)(url, data, content_type="application/json")
    return getattr(client, route.method)(url, data)


def test_session_calls_to_the_api_read_and_change_nothing(submitted, community_user, city_user):
    """Today's holes: a one-time session read lists, created assessments and returned one."""
    from tests.factories import CommunityFactory

    other = CommunityFactory(street=region("310104003"), name="新建自评社区")
    committee = sign_in(community_user.username, give_one_time_password(community_user))
    committee_user_two = UserFactory(username="committee-2", role=Role.COMMUNITY, community=other)
    second = sign_in(committee_user_two.username, give_one_time_password(committee_user_two))
    reviewer = sign_in(city_user.username, give_one_time_password(city_user))
    for client in (committee, reviewer):
        for url in ("/api/v1/communities/", "/api/v1/assessments/", f"/api/v1/assessments/{submitted.pk}/"):
            r = client.get(url)
            assert r.status_code == 403 and r.json()["code"] == "password_change_required", url
            assert "请先设置您自己的密码" in r.json()["message"]
    created = second.post(
        "/api/v1/assessments/", {"community": other.code, "year": 2026}, content_type="application/json"
    )
    assert created.status_code == 403 and not Assessment.objects.filter(community=other).exists()
    state, version = submitted.state, submitted.version
    returned = reviewer.post(
        f"/api/v1/assessments/{submitted.pk}/return/",
        {"reason": "请补充材料。", "version": version},
        content_type="application/json",
    )
    assert returned.status_code == 403
    submitted.refresh_from_db()
    assert (submitted.state, submitted.version) == (state, version)


@pytest.mark.parametrize("role", ROLES)
def test_a_one_time_password_signs_in_once(role, db):
    world = World()
    user = world.user(role)
    code = give_one_time_password(user)
    first = sign_in(user.username, code)
    again = Client().post(reverse("login"), {"username": user.username, "password": code})
    assert again.status_code == 200
    message = again.context["form"].errors["__all__"][0]
    assert "只能使用一次" in message and "上级" in message
    # The forced change page says so, and whom to ask.
    page = first.get(reverse("accounts:password_change") + "?forced=1").content.decode()
    assert 'data-testid="forced-help"' in page and "申请新的一次性密码" in page
    # The first session may still choose its password; then the account signs in with it.
    done = first.post(
        reverse("accounts:password_change"),
        {"new_password1": "green-leaves-2026", "new_password2": "green-leaves-2026"},
    )
    assert done.status_code == 302
    assert sign_in(user.username, "green-leaves-2026").get(reverse("home")).status_code == 200
    user.refresh_from_db()
    assert user.one_time_used is None and user.one_time_hash == ""


def test_a_new_one_time_password_from_the_level_above_signs_in_again(client, community_user, db):
    from apps.accounts.services import account_reset_by_manager

    street = UserFactory(username="tianping", role=Role.STREET, region=region("310104003"))
    first = account_reset_by_manager(actor=street, user=community_user)
    sign_in(community_user.username, first)
    assert Client().post(reverse("login"), {"username": "committee", "password": first}).status_code == 200
    community_user.refresh_from_db()
    second = account_reset_by_manager(actor=street, user=community_user)
    sign_in(community_user.username, second)


def test_two_factor_comes_first_then_the_password_change(province_user, settings):
    """A role that needs a second factor: the code pages are reachable (no redirect loop between
    the two gates), then the password change, and still nothing else."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .test_twofactor import code_for

    settings.TWO_FACTOR_ROLES = ["province"]
    client = sign_in(province_user.username, give_one_time_password(province_user))
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"].startswith(reverse("security:twofactor-setup"))
    assert client.get(reverse("security:twofactor-setup")).status_code == 200
    device = TOTPDevice.objects.get(user=province_user, confirmed=False)
    assert client.post(reverse("security:twofactor-setup"), {"code": code_for(device)}).status_code == 200
    assert client.get(reverse("home"))["Location"] == FORCED
    assert client.get(reverse("accounts:password_change")).status_code == 200
    assert client.get("/api/v1/regions/").json()["code"] == "password_change_required"


def test_revoking_ones_token_is_never_throttled_with_sign_ins(community_user, settings):
    settings.AXES_ENABLED = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "token": "3/min"},
    }
    _token, key = issue_token(user=community_user)
    api = APIClient()
    wrong = {"username": community_user.username, "password": "wrong"}
    assert [api.post("/api/v1/auth/token/", wrong).status_code for _ in range(3)] == [400, 400, 400]
    assert api.post("/api/v1/auth/token/", wrong).status_code == 429
    # The sign-ins from this address are throttled; revoking the token it holds is not.
    revoked = api.delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {key}")
    assert revoked.status_code == 204 and not ApiToken.objects.filter(user=community_user).exists()
    # And revocations never use up the sign-ins' count.
    cache.clear()
    for _n in range(5):
        _token, key = issue_token(user=community_user)
        assert api.delete("/api/v1/auth/token/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 204
    right = {"username": community_user.username, "password": "correct-horse-battery"}
    assert api.post("/api/v1/auth/token/", right).status_code == 200
