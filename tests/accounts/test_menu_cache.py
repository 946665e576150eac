"""The menu (templates/includes/nav.html) is rendered once per process for each key of what its links
depend on (apps.accounts.templatetags.menu) and read from the `menu` cache afterwards: a cached menu
is the menu the user would get rendered afresh, a change of role, region or language shows at once,
and the notices' unread count stays live."""

import re

import pytest
from django.core.cache import caches
from django.urls import reverse

from apps.accounts.models import Role
from apps.notices.services import notify_users
from tests.factories import CommunityFactory, UserFactory, region

pytestmark = pytest.mark.django_db


def _menu(client) -> str:
    html = client.get(reverse("home"), follow=True).content.decode()
    return re.search(r'<nav class="mainnav".*?</nav>', html, re.S).group(0)


USERS = {
    "committee": lambda: UserFactory(
        role=Role.COMMUNITY, community=CommunityFactory(street=region("310104003"))
    ),
    "street": lambda: UserFactory(role=Role.STREET, region=region("310104003")),
    "county": lambda: UserFactory(role=Role.CITY, region=region("310104")),
    "province": lambda: UserFactory(role=Role.PROVINCE, region=region("31")),
    "ministry": lambda: UserFactory(role=Role.MINISTRY),
    "admin": lambda: UserFactory(role=Role.ADMIN, is_staff=True),
    "expert": lambda: UserFactory(role=Role.EXPERT),
    "national department": lambda: UserFactory(role=Role.DEPARTMENT),
    "provincial department": lambda: UserFactory(role=Role.DEPARTMENT, region=region("31")),
}


@pytest.mark.parametrize("kind", USERS)
def test_a_cached_menu_is_the_menu_rendered_afresh(client, kind):
    user = USERS[kind]()
    client.force_login(user)
    fresh = _menu(client)
    assert len(caches["menu"]._cache) == 2  # the links before and after the notices' link
    assert _menu(client) == fresh  # from the cache
    caches["menu"].clear()
    assert _menu(client) == fresh


def test_every_role_gets_its_own_menu(client):
    menus = set()
    for make in USERS.values():
        client.force_login(make())
        menus.add(_menu(client))
    assert len(menus) >= 6  # committees, reviewers, the province, the ministry ... see different links


def test_a_new_role_or_language_shows_at_once(client, city_user):
    client.force_login(city_user)
    assert "nav-chain" not in _menu(client)  # the review chain is the province's
    city_user.role, city_user.region = Role.PROVINCE, region("31")
    city_user.save()
    assert "nav-chain" in _menu(client)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Review chain" in _menu(client)


def test_the_unread_count_stays_live(client, city_user):
    client.force_login(city_user)
    assert "nav-count" not in _menu(client)
    notify_users(users=[city_user], text="一份自评等待审核", url="/review/")
    assert re.search(r'<span class="nav-count"\s+aria-label="[^"]+">1</span>', _menu(client))
