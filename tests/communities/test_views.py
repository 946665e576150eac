import datetime as dt

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.communities.registry_import import community_import
from apps.communities.services import community_retire
from apps.core import campaign
from tests.factories import CommunityFactory, region


def list_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


def registry_counts(client, url) -> int:
    """How many COUNTs of the registry a view of `url` runs."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return sum(
        1
        for q in ctx.captured_queries
        if q["sql"].startswith("SELECT COUNT(*)") and "communities_community" in q["sql"]
    )


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


CASCADE = 'data-cascade="/regions/000000000000/children/"'


def picker_codes(response, name):
    return [str(c) for c in dict(response.context["filter"].form.fields[name].choices) if c]


def test_ministry_region_filters_cascade_instead_of_listing_every_county(client_for, ministry_user):
    a = CommunityFactory(street=region("310104003"))
    b = CommunityFactory(street=region("110101001"))
    client = client_for(ministry_user)
    url = reverse("communities:list")
    response = client.get(url)
    body = response.content.decode()
    assert CASCADE in body and "js/cascade.js" in body
    # No 2,976-county picker: below the provinces, the pickers wait for the choice above.
    assert len(picker_codes(response, "province")) > 30
    assert picker_codes(response, "city") == picker_codes(response, "county") == []
    assert picker_codes(response, "street") == []
    # The region pickers wait for the search button (the cascade fills them); the rest reload.
    form = response.context["filter"].form
    assert all(
        "data-autosubmit" not in form.fields[n].widget.attrs for n in ("province", "city", "county", "street")
    )
    assert form.fields["status"].widget.attrs.get("data-autosubmit") == "1"
    # Without JavaScript the server narrows the pickers and filters.
    shanghai = client.get(url, {"province": "310000000000"})
    counties = picker_codes(shanghai, "county")
    assert "310104000000" in counties and "110101000000" not in counties
    assert [c.code for c in shanghai.context["page"]] == [a.code]
    xuhui = client.get(url, {"province": "310000000000", "county": "310104000000"})
    assert "310104003000" in picker_codes(xuhui, "street")
    assert [c.code for c in client.get(url, {"province": "110000000000"}).context["page"]] == [b.code]


def test_scoped_users_get_the_cascade_in_their_own_scope(client_for, province_user):
    response = client_for(province_user).get(reverse("communities:list"))
    assert CASCADE in response.content.decode()
    counties = picker_codes(response, "county")
    assert "310104000000" in counties and not [c for c in counties if not c.startswith("31")]
    assert picker_codes(response, "street") == []  # filled once a county is chosen


def test_a_city_without_counties_filters_by_its_streets(client_for, ministry_user):
    # The cascade goes 广东省 → 东莞市 → its streets: 东莞 has no county level.
    dongcheng = CommunityFactory(street=region("441900003"))
    CommunityFactory(street=region("441900004"))
    response = client_for(ministry_user).get(
        reverse("communities:list"),
        {"province": "440000000000", "city": "441900000000", "street": "441900003000"},
    )
    assert [c.code for c in response.context["page"]] == [dongcheng.code]


def test_national_count_is_cached_until_the_registry_changes(
    client_for, ministry_user, province_user, shared_cache
):
    """The unfiltered national list counts its rows once per registry version: the next view reads
    the count from the cache (one query fewer), and any change shows at once."""
    CommunityFactory.create_batch(3, street=region("310104003"))
    client = client_for(ministry_user)
    url = reverse("communities:list")

    def count(params=""):
        return list_queries(client, url + params)[1].context["page"].paginator.count

    assert registry_counts(client, url) == 1
    # The next view reads the count from the cache: no COUNT of the registry, the same figure.
    assert registry_counts(client, url) == 0
    response = client.get(url)
    assert response.context["page"].paginator.count == 3
    assert 'data-testid="result-count">共 3 个社区<' in response.content.decode()
    added = CommunityFactory(street=region("310104004"))  # a save
    assert count() == 4
    assert count("?status=retired") == 0
    # A retirement (the service) takes it out of "existing today" into "retired" at once.
    community_retire(
        user=province_user,
        community=added,
        kind="abolished",
        effective_on=campaign.today() - dt.timedelta(days=1),
    )
    assert (count(), count("?status=retired"), count("?status=all")) == (3, 1, 4)
    # Filtered lists are counted every time; a deletion shows too.
    assert count("?q=" + added.code[:10]) == 0  # retired: not "existing today"
    added.delete()
    assert count("?status=all") == 3


def test_an_import_shows_in_the_national_count_at_once(client_for, ministry_user, tmp_path, shared_cache):
    """An import writes the registry in SQL (no model signal): it drops the version itself."""
    CommunityFactory(street=region("310104003"))
    client = client_for(ministry_user)
    url = reverse("communities:list")
    assert list_queries(client, url)[1].context["page"].paginator.count == 1
    path = tmp_path / "registry.csv"
    path.write_text(
        "code,name,streetCode,areaCode,cityCode,provinceCode\n"
        "310104003901,甲社区居委会,310104003,310104,3101,31\n"
        "110101001901,多福巷社区居委会,110101001,110101,1101,11\n",
        encoding="utf-8",
    )
    assert community_import(source=path).applied
    assert list_queries(client, url)[1].context["page"].paginator.count == 3


def test_a_per_process_cache_counts_every_time(client_for, ministry_user):
    """Without a shared cache another web process could not see the registry change: no cached count."""
    CommunityFactory(street=region("310104003"))
    client = client_for(ministry_user)
    url = reverse("communities:list")
    first, _ = list_queries(client, url)
    again, response = list_queries(client, url)
    assert again == first and response.context["page"].paginator.count == 1


def test_list_rows_escape_what_they_show(client_for, province_user):
    """The rows are written in Python (apps/communities/list_rows.py): a name is text, never markup."""
    shown = CommunityFactory(street=region("310104004"), name='<b>"天平"&湖南</b>社区')
    CommunityFactory(street=region("310104004"), retired_on=dt.date(2025, 6, 30), retirement="abolished")
    body = client_for(province_user).get(reverse("communities:list"), {"status": "all"}).content.decode()
    row = body[body.index(f'<td class="mono">{shown.code}</td>') :].split("</tr>")[0]
    assert f'<a href="/communities/{shown.code}/">&lt;b&gt;&quot;天平&quot;&amp;湖南&lt;/b&gt;社区</a>' in row
    street, county = region("310104004"), region("310104")
    assert f"</a></td><td>{street.name}</td><td>{county.name}</td>" in row and row.count("<td") == 6
    assert "<b>" not in body and 'class="badge badge-revoked">撤销 2025-06-30</span>' in body


def test_region_pickers_are_read_once_until_a_region_changes(
    client_for, province_user, shared_cache, django_assert_num_queries
):
    """The pickers' options are the region tree's cached lists (apps.regions.selectors.picker_regions):
    the next view reads neither the options nor the chosen regions (to validate them) from the
    database, and a renamed region shows at once."""
    CommunityFactory(street=region("310104003"))
    client = client_for(province_user)
    url = reverse("communities:list")
    params = {"county": "310104000000", "street": "310104003000"}
    client.get(url)  # reads Shanghai's cities (none) and counties, and what else a first view reads once
    first, response = list_queries(client, f"{url}?county=310104000000&street=310104003000")
    assert len(response.context["page"]) == 1
    # 徐汇区's streets were read once: no region is read for the pickers any more.
    with django_assert_num_queries(first - 1) as ctx:
        response = client.get(url, params)
    assert len(response.context["page"]) == 1
    assert not [q for q in ctx.captured_queries if '"regions_region"."level" =' in q["sql"]]
    street = region("310104003")
    street.name = "天平街道（新）"
    street.save()
    assert ("310104003000", "天平街道（新）") in client.get(url, params).context["filter"].form.fields[
        "street"
    ].choices


def test_cached_region_pickers_keep_each_callers_scope(
    client_for, ministry_user, province_user, city_user, shared_cache
):
    """The cached lists hold every region of a parent: another province's or county's regions,
    cached by a nationwide view, are neither offered to nor accepted from a scoped caller."""
    invalid = forms.ModelChoiceField.default_error_messages["invalid_choice"]
    url = reverse("communities:list")
    ministry = client_for(ministry_user).get(
        url, {"province": "440000000000", "city": "440300000000", "county": "440303000000"}
    )
    assert "440303000000" in picker_codes(ministry, "county") and ministry.context["filter"].is_valid()
    shanghai = client_for(province_user).get(url, {"city": "440300000000", "county": "440303000000"})
    assert picker_codes(shanghai, "county") == []
    assert shanghai.context["filter"].form.errors == {"county": [invalid]}
    client_for(ministry_user).get(url, {"province": "310000000000", "county": "310101000000"})
    xuhui = client_for(city_user).get(url, {"street": "310101002000"})  # 黄浦区's street
    assert "310104003000" in picker_codes(xuhui, "street")
    assert not [c for c in picker_codes(xuhui, "street") if not c.startswith("310104")]
    assert xuhui.context["filter"].form.errors == {"street": [invalid]}
