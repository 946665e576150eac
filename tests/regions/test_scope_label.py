"""The menu's scope label (the title of the user's name in the top bar, on every page): a region
user's region comes from the shared cache, as `User.scope_label` says it, and a renamed region
shows at once."""

import pytest
from django.urls import reverse

from tests.factories import region

pytestmark = pytest.mark.django_db


def _title(client) -> str:
    html = client.get(reverse("home")).content.decode()
    start = html.index('class="whoami"')
    return html[html.index('title="', start) + 7 : html.index('"', html.index('title="', start) + 7)]


@pytest.mark.parametrize("fixture", ["city_user", "province_user", "ministry_user", "community_user"])
def test_the_label_is_the_users_scope(request, client, fixture, shared_cache):
    user = request.getfixturevalue(fixture)
    client.force_login(user)
    assert _title(client) == user.scope_label
    assert _title(client) == user.scope_label  # from the cache, the same


def test_a_renamed_region_shows_at_once(client, city_user, shared_cache):
    client.force_login(city_user)
    before = _title(client)
    assert before == "上海市徐汇区"
    county = region("310104")
    county.name = "徐汇新区"
    county.save()
    assert _title(client) == "上海市徐汇新区"
