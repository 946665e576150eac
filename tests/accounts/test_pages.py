"""The account list of the level above, the account page's actions and everyone's own care."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from apps.accounts import onetime
from apps.accounts.models import Role, User
from apps.communities.models import Community
from apps.core.models import TraceAction, TraceEvent, TraceKind
from tests.factories import CommunityFactory, UserFactory, region

pytestmark = pytest.mark.django_db


@pytest.fixture
def xuhui(client):
    user = UserFactory(username="xuhui-dept", role=Role.CITY, region=region("310104"))
    client.force_login(user)
    return user


@pytest.fixture
def committees():
    """Three Xuhui communities: one with an active account that signed in, one with an account
    that never did, one with a deactivated account; one without; and one in Beijing."""
    a, b, c, d = (CommunityFactory(street=region("310104003")) for _ in range(4))
    beijing = CommunityFactory(street=region("110101001"))
    now = timezone.now()
    return {
        "signed": UserFactory(username="c-signed", role=Role.COMMUNITY, community=a, last_login=now),
        "never": UserFactory(username="c-never", role=Role.COMMUNITY, community=b),
        "off": UserFactory(username="c-off", role=Role.COMMUNITY, community=c, is_active=False),
        "beijing": UserFactory(username="c-beijing", role=Role.COMMUNITY, community=beijing),
        "without": d,
    }


def usernames(response):
    return [u.username for u in response.context["page"]]


def test_the_list_shows_the_accounts_in_scope_with_the_coverage(
    client, xuhui, committees, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):  # 16: the street picker of the cascade
        response = client.get(reverse("accounts:manage"))
    assert response.status_code == 200
    assert usernames(response) == ["c-never", "c-off", "c-signed"]
    # The coverage against a direct count of the scope's communities.
    scope = Community.objects.filter(county_id=region("310104").pk)
    total = scope.count()
    active = scope.filter(pk__in=User.objects.filter(is_active=True).values("community_id")).count()
    assert (total, active) == (4, 2)
    assert response.context["coverage"] == {"total": total, "active": active, "never_logged_in": 1}
    assert "4 个社区中有 2 个" in response.content.decode() or "2 of 4" in response.content.decode()


def test_a_page_of_many_accounts_costs_the_same_queries(client, xuhui, django_assert_max_num_queries):
    for _ in range(60):
        c = CommunityFactory(street=region("310104004"))
        UserFactory(username=f"c-{c.code}", role=Role.COMMUNITY, community=c, password=None)
    with django_assert_max_num_queries(16):  # 16: the street picker of the cascade
        response = client.get(reverse("accounts:manage"))
    assert len(response.context["page"]) == 50


def test_filters_and_search(client, xuhui, committees):
    get = lambda **q: usernames(client.get(reverse("accounts:manage"), q))  # noqa: E731
    assert get(active="no") == ["c-off"]
    assert get(active="yes") == ["c-never", "c-signed"]
    assert get(never_logged_in="on") == ["c-never", "c-off"]
    assert get(q="signed") == ["c-signed"]
    assert get(level="street") == []
    assert get(region="310104003") == ["c-never", "c-off", "c-signed"]
    assert get(region="310104004") == []
    AccessAttempt.objects.create(
        username="c-never", ip_address="10.0.0.1", failures_since_start=5, attempt_time=timezone.now(),
        user_agent="", path_info="/accounts/login/", get_data="", post_data="",
    )  # fmt: skip
    assert get(locked="on") == ["c-never"]


def test_a_region_outside_the_scope_is_refused_with_a_message(client, xuhui, committees):
    response = client.get(reverse("accounts:manage"), {"region": "110101"})
    assert (
        "您的范围内没有这个代码的区划" in response.content.decode()
        or response.context["form"].errors["region"]
    )
    assert usernames(response) == ["c-never", "c-off", "c-signed"]
    assert response.context["form"]["region"].value() == "110101"  # kept


def test_reset_gives_a_one_time_password_that_forces_a_new_one(client, xuhui, committees):
    target = committees["signed"]
    response = client.post(reverse("accounts:reset", args=[target.pk]))
    code = response.context["one_time_password"]
    assert code in response.content.decode()
    target.refresh_from_db()
    assert not target.has_usable_password() and target.must_change_password
    assert code not in target.one_time_hash  # only the keyed hash is kept
    event = TraceEvent.objects.filter(kind=TraceKind.ACCOUNT, subject=str(target.pk)).latest("id")
    assert (event.action, event.actor_id) == (TraceAction.PASSWORD_RESET, xuhui.pk)
    # The old password no longer works; the one-time one does, and sends the user to the change page.
    client.logout()
    response = client.post(reverse("login"), {"username": "c-signed", "password": "correct-horse-battery"})
    assert response.status_code == 200  # refused
    response = client.post(reverse("login"), {"username": "c-signed", "password": code})
    assert response.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("accounts:password_change")
    )
    # A weak password is refused with Django's reasons in Chinese.
    response = client.post(
        reverse("accounts:password_change"), {"new_password1": "12345", "new_password2": "12345"}
    )
    assert response.status_code == 200
    assert "密码" in str(response.context["form"].errors)
    response = client.post(
        reverse("accounts:password_change"),
        {"new_password1": "green-leaves-2026", "new_password2": "green-leaves-2026"},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    target.refresh_from_db()
    assert target.check_password("green-leaves-2026") and not target.must_change_password
    assert target.one_time_hash == ""
    assert not onetime.matches(target, code)
    event = TraceEvent.objects.filter(kind=TraceKind.ACCOUNT, subject=str(target.pk)).latest("id")
    assert (event.action, event.actor_id, event.data["password"]) == (
        TraceAction.CHANGED,
        target.pk,
        "changed",
    )


def test_an_expired_one_time_password_does_not_sign_in(client, xuhui, committees):
    target = committees["never"]
    code = onetime.issue(target)
    target.one_time_expires = timezone.now() - timedelta(minutes=1)
    target.save()
    client.logout()
    response = client.post(reverse("login"), {"username": "c-never", "password": code})
    assert response.status_code == 200
    assert response.context["form"].errors["__all__"][0].startswith("这个一次性密码已过期")


def test_deactivate_reactivate_and_out_of_scope(client, xuhui, committees):
    target = committees["signed"]
    assert client.post(reverse("accounts:active", args=[target.pk]), {"active": "0"}).status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    actions = list(
        TraceEvent.objects.filter(kind=TraceKind.ACCOUNT, subject=str(target.pk)).values_list(
            "action", "actor_id"
        )
    )
    assert actions == [(TraceAction.DEACTIVATED, xuhui.pk)]
    client.post(reverse("accounts:active", args=[target.pk]), {"active": "1"})
    target.refresh_from_db()
    assert target.is_active
    beijing = committees["beijing"]
    assert client.post(reverse("accounts:active", args=[beijing.pk]), {"active": "0"}).status_code == 404
    assert client.get(reverse("accounts:detail", args=[beijing.pk])).status_code == 404
    province = UserFactory(username="p-sh", role=Role.PROVINCE, region=region("31"))
    assert client.post(reverse("accounts:reset", args=[province.pk])).status_code == 403
    beijing.refresh_from_db()
    assert beijing.is_active


def test_lift_lockout_records_the_manager(client, xuhui, committees):
    target = committees["never"]
    AccessAttempt.objects.create(
        username="c-never", ip_address="10.0.0.1", failures_since_start=5, attempt_time=timezone.now(),
        user_agent="", path_info="/accounts/login/", get_data="", post_data="",
    )  # fmt: skip
    assert client.post(reverse("accounts:unlock", args=[target.pk])).status_code == 302
    assert not AccessAttempt.objects.filter(username="c-never").exists()
    events = list(TraceEvent.objects.filter(kind=TraceKind.ACCOUNT, action=TraceAction.UNLOCKED))
    assert [(e.subject, e.actor_id) for e in events] == [(str(target.pk), xuhui.pk)]


def test_own_contact_details(client, committees):
    user = committees["signed"]
    client.force_login(user)
    response = client.post(reverse("accounts:contact"), {"email": "not-mail", "phone": "abc"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "not-mail" in body and "abc" in body  # kept
    assert set(response.context["form"].errors) == {"email", "phone"}
    assert "Enter a valid" not in body  # Django's reasons in Chinese
    response = client.post(reverse("accounts:contact"), {"email": "jw@example.org", "phone": "021-6400 1234"})
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.phone) == ("jw@example.org", "021-6400 1234")
    event = TraceEvent.objects.filter(kind=TraceKind.ACCOUNT, subject=str(user.pk)).latest("id")
    assert event.action == TraceAction.CHANGED and event.data["changed"]["phone"] == ["", "021-6400 1234"]


def test_own_password_change_asks_the_old_password(client, committees):
    user = committees["signed"]
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "green-leaves-2026", "new_password2": "green-leaves-2026"},
    )
    assert response.status_code == 200 and "old_password" in response.context["form"].errors
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "correct-horse-battery",
            "new_password1": "green-leaves-2026",
            "new_password2": "green-leaves-2026",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("green-leaves-2026")


def test_password_reset_by_email_without_mail_says_it_is_not_available(client, settings):
    settings.PASSWORD_RESET_BY_EMAIL = False
    response = client.get(reverse("accounts:password_reset"))
    assert response.status_code == 200
    assert 'data-testid="reset-unavailable"' in response.content.decode()


def test_password_reset_by_email_sends_a_working_link(client, settings, committees):
    settings.PASSWORD_RESET_BY_EMAIL = True
    user = committees["signed"]
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path)
    assert response.status_code == 302
    response = client.post(
        response["Location"], {"new_password1": "green-leaves-2026", "new_password2": "green-leaves-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("green-leaves-2026")
    assert TraceEvent.objects.filter(
        kind=TraceKind.ACCOUNT, subject=str(user.pk), action=TraceAction.CHANGED
    ).exists()


def test_email_url_configures_the_mail_backend():
    import environ

    config = environ.Env.email_url_config("smtp+tls://mailer:secret@smtp.example.org:587")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"], config["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )


CASCADE = 'data-cascade="/regions/000000000000/children/"'


def picker(response, name):
    return [c for c, _ in response.context["form"].fields[name].choices if c]


def test_region_pickers_cascade_in_the_callers_scope(client, xuhui, committees):
    response = client.get(reverse("accounts:manage"))
    body = response.content.decode()
    assert CASCADE in body and "js/cascade.js" in body
    fields = response.context["form"].fields
    assert "province" not in fields and "city" not in fields and "county" not in fields
    streets = picker(response, "street")
    assert "310104003000" in streets and all(c.startswith("310104") for c in streets)
    # Without JavaScript the picker filters on the server.
    assert usernames(client.get(reverse("accounts:manage"), {"street": "310104003000"})) == [
        "c-never", "c-off", "c-signed",
    ]  # fmt: skip
    assert usernames(client.get(reverse("accounts:manage"), {"street": "310104004000"})) == []


def test_ministry_pickers_wait_for_the_province_instead_of_listing_every_county(client, committees):
    ministry = UserFactory(username="ministry-dept", role=Role.MINISTRY)
    client.force_login(ministry)
    url = reverse("accounts:manage")
    response = client.get(url)
    assert CASCADE in response.content.decode()
    assert len(picker(response, "province")) > 30
    assert picker(response, "city") == picker(response, "county") == picker(response, "street") == []
    shanghai = client.get(url, {"province": "310000000000"})
    counties = picker(shanghai, "county")
    assert "310104000000" in counties and "110101000000" not in counties
    assert picker(shanghai, "city") == []  # a municipality: districts hang under the province
    xuhui = client.get(url, {"province": "310000000000", "county": "310104000000"})
    assert "310104003000" in picker(xuhui, "street")
    assert "c-beijing" not in usernames(xuhui) and "c-signed" in usernames(xuhui)
    # A county left over from another province (changed without JavaScript) is dropped, not an error.
    stale = client.get(url, {"province": "110000000000", "county": "310104000000"})
    assert not stale.context["form"].errors and "c-signed" not in usernames(stale)
    assert "c-beijing" in usernames(stale)
