import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import CommunityFactory, region


def list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def test_list_shows_only_communities_in_scope(client_for, city_user, xuhui_community, other_community):
    response = client_for(city_user).get(reverse("communities:list"))
    codes = [c.code for c in response.context["page"]]
    assert codes == [xuhui_community.code]
    assert other_community.name not in response.content.decode()


def test_query_count_does_not_grow_with_rows(client_for, province_user):
    client = client_for(province_user)
    CommunityFactory.create_batch(2, street=region("310104004"))
    few, _ = list_queries(client, reverse("communities:list"))
    CommunityFactory.create_batch(40, street=region("310104004"))
    many, response = list_queries(client, reverse("communities:list"))
    assert len(response.context["page"]) == 42
    assert few == many
    assert many <= 12


def test_search_and_filters(client_for, province_user):
    a = CommunityFactory(street=region("310104003"), name="天平社区居委会")
    b = CommunityFactory(street=region("310104004"), name="湖南社区居委会")
    c = CommunityFactory(street=region("310101002"), name="外滩社区居委会")
    client = client_for(province_user)
    url = reverse("communities:list")

    def codes(**params):
        return {x.code for x in client.get(url, params).context["page"]}

    assert codes(q="天平") == {a.code}
    assert codes(q=b.code[:10]) == {b.code}
    assert codes(county="310104000000") == {a.code, b.code}
    assert codes(county="310104000000", street="310104004000") == {b.code}
    assert codes() == {a.code, b.code, c.code}


def test_another_regions_community_answers_404(client_for, city_user, other_community, xuhui_community):
    client = client_for(city_user)
    assert client.get(reverse("communities:detail", args=[xuhui_community.code])).status_code == 200
    assert client.get(reverse("communities:detail", args=[other_community.code])).status_code == 404
    assert client.get(reverse("communities:detail", args=["000000000000"])).status_code == 404


@pytest.mark.parametrize("role_fixture", ["community_user", "city_user", "province_user"])
def test_every_scoped_role_gets_404_outside(request, client_for, role_fixture, other_community):
    client = client_for(request.getfixturevalue(role_fixture))
    assert client.get(reverse("communities:detail", args=[other_community.code])).status_code == 404


def test_anonymous_is_sent_to_login(client, xuhui_community):
    response = client.get(reverse("communities:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_filters_above_the_users_level_are_not_offered(client_for, city_user, province_user, ministry_user):
    url = reverse("communities:list")
    fields = lambda user: set(client_for(user).get(url).context["filter"].form.fields)  # noqa: E731
    assert fields(city_user) == {"q", "street", "status"}
    # Shanghai has no prefecture-level cities
    assert fields(province_user) == {"q", "county", "street", "status"}
    assert fields(ministry_user) == {"q", "province", "city", "county", "street", "status"}
