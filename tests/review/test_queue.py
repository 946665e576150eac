import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.assessments.models import State
from tests.factories import region

from .conftest import make_assessments

QUEUE = reverse("review:queue")


def rows_of(response):
    return list(response.context["page"].object_list)


def test_city_queue_opens_on_submitted_work_in_scope(client_for, city_user, submitted, other_community):
    make_assessments(2, state=State.SUBMITTED, street_code="110101001")  # 北京: never shown
    make_assessments(1, state=State.DRAFT)  # a draft is the community's own business
    response = client_for(city_user).get(QUEUE)
    assert response.status_code == 200
    assert [a.pk for a in rows_of(response)] == [submitted.pk]
    body = response.content.decode()
    assert "区县审核" in body and submitted.community.name in body
    counts = {c.key: c.count for c in response.context["counts"]}
    assert counts["waiting"] == 1 and counts["level:county"] == 1 and State.DRAFT not in counts


def test_province_queue_shows_recommended_then_the_decided(client_for, province_user, recommended):
    make_assessments(2, state=State.SUBMITTED, start=600)
    make_assessments(3, state=State.APPROVED, start=700)
    make_assessments(1, state=State.REVOKED, start=800)
    client = client_for(province_user)
    response = client.get(QUEUE)
    assert [a.pk for a in rows_of(response)] == [recommended.pk]
    assert response.context["can_bulk"]
    counts = {c.key: c.count for c in response.context["counts"]}
    assert counts == {
        "waiting": 1,
        "level:county": 2,
        "level:province": 1,
        "approved": 3,
        "returned": 0,
        "revoked": 1,
    }
    everything = client.get(QUEUE, {"state": "", "year": ""})
    # The province watches its whole chain: the 2 waiting at the county level are listed too.
    assert len(rows_of(everything)) == 7


def test_filters_and_search(client_for, city_user, submitted):
    made = make_assessments(5, state=State.SUBMITTED, street_code="310104004")
    client = client_for(city_user)
    by_street = client.get(QUEUE, {"state": "submitted", "county": "310104000000", "street": "310104004000"})
    assert {a.pk for a in rows_of(by_street)} == {a.pk for a in made}
    by_name = client.get(QUEUE, {"state": "submitted", "q": submitted.community.name})
    assert [a.pk for a in rows_of(by_name)] == [submitted.pk]
    by_code = client.get(QUEUE, {"state": "submitted", "q": made[0].community_id})
    assert [a.pk for a in rows_of(by_code)] == [made[0].pk]
    any_not_met = client.get(QUEUE, {"state": "submitted", "not_met": "any"})
    assert {a.pk for a in rows_of(any_not_met)} == {a.pk for a in made if a.not_met_count}
    newest_first = client.get(QUEUE, {"state": "submitted", "sort": "-submitted"})
    assert rows_of(newest_first)[-1].pk == submitted.pk
    other_year = client.get(QUEUE, {"state": "submitted", "year": "2025"})
    assert rows_of(other_year) == []


def test_filter_by_one_criterion_rated_not_met(client_for, city_user, assessment, community_user, settings):
    from apps.assessments import services
    from apps.review import submit_services

    from .conftest import fill

    settings.CAMPAIGN_YEAR = 2026
    fill(assessment, community_user)
    r16 = assessment.responses.get(criterion__number=16)
    services.response_save(response=r16, user=community_user, rating="not_met")
    submit_services.assessment_submit(assessment=assessment, user=community_user)
    make_assessments(3, state=State.SUBMITTED)
    client = client_for(city_user)
    assert [a.pk for a in rows_of(client.get(QUEUE, {"state": "submitted", "not_met": "16"}))] == [
        assessment.pk
    ]
    assert rows_of(client.get(QUEUE, {"state": "submitted", "not_met": "3"})) == []


def queries_for(client, params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("fixture", "state"), [("city_user", State.SUBMITTED), ("province_user", State.RECOMMENDED)]
)
def test_queue_query_count_does_not_grow_with_rows(db, request, client_for, fixture, state, settings):
    settings.CAMPAIGN_YEAR = 2026
    client = client_for(request.getfixturevalue(fixture))
    make_assessments(3, state=state, start=100)
    params = {"state": state, "year": "2026"}
    queries_for(client, params)  # what a process reads once (the national criteria's numbers)
    few = queries_for(client, params)
    make_assessments(120, state=state, start=200)
    many = queries_for(client, params)
    assert few == many
    # measured: 15 (session, user, regions of the nav, filters, 2 counts, page, notices, and the site
    # checks' totals of the page's rows: apps.sitechecks through apps.review.hooks); a county chosen
    # among the filter's own choices is not checked again (13 filtered)
    assert many <= 15
    filtered = {**params, "not_met": "5", "q": "批量", "county": "310104000000", "street": "310104003000"}
    assert queries_for(client, filtered) <= 13


def test_queue_paginates(client_for, city_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    make_assessments(60, state=State.SUBMITTED)
    client = client_for(city_user)
    first = client.get(QUEUE)
    assert len(rows_of(first)) == 50 and first.context["page"].has_next()
    assert len(rows_of(client.get(QUEUE, {"state": "submitted", "year": "2026", "page": 2}))) == 10


def test_queue_is_for_reviewers(client_for, client, community_user, ministry_user, submitted):
    assert client_for(community_user).get(QUEUE).status_code == 403
    client.logout()
    assert client.get(QUEUE).status_code == 302
    watcher = client_for(ministry_user).get(QUEUE, {"state": "", "year": ""})
    assert [a.pk for a in rows_of(watcher)] == [submitted.pk]


def test_another_county_sees_nothing(client_for, huangpu_city_user, submitted):
    response = client_for(huangpu_city_user).get(QUEUE, {"state": "", "year": ""})
    assert rows_of(response) == []


def test_ministry_filter_cascades_instead_of_listing_every_county(client_for, ministry_user, submitted):
    client = client_for(ministry_user)
    form = client.get(QUEUE).context["form"]
    assert len(form.fields["county"].choices) == 1  # "All" only: no 2,976-county picker
    assert len(form.fields["province"].choices) > 30
    body = client.get(QUEUE).content.decode()
    assert 'data-cascade="/regions/000000000000/children/"' in body
    shanghai = client.get(QUEUE, {"province": "310000000000"})
    counties = dict(shanghai.context["form"].fields["county"].choices)
    assert "310104000000" in counties and "110101000000" not in counties
    assert submitted in shanghai.context["page"].object_list
    beijing = client.get(QUEUE, {"province": "110000000000"})
    assert submitted not in beijing.context["page"].object_list


def test_queue_pickers_are_read_once_until_a_region_changes(
    client_for, province_user, settings, shared_cache, django_assert_num_queries
):
    """The queue's pickers are the region tree's cached lists (apps.regions.selectors.picker_regions):
    the next view reads none of them, and a renamed region shows at once."""
    settings.CAMPAIGN_YEAR = 2026
    make_assessments(3, state=State.SUBMITTED)
    client = client_for(province_user)
    client.get(QUEUE, {"state": "", "year": ""})  # reads Shanghai's cities (none) and counties, and more once
    params = {"state": "", "year": "", "county": "310104000000", "street": "310104003000"}
    first = queries_for(client, params)  # 徐汇区's streets
    with django_assert_num_queries(first - 1) as ctx:
        response = client.get(QUEUE, params)
    assert len(rows_of(response)) == 3
    assert not [q for q in ctx.captured_queries if '"regions_region"."level" =' in q["sql"]]
    street = region("310104003")
    street.name = "天平街道（新）"
    street.save()
    choices = client.get(QUEUE, params).context["form"].fields["street"].choices
    assert ("310104003000", "天平街道（新）") in choices


def test_cached_queue_pickers_keep_each_callers_scope(
    client_for, ministry_user, province_user, city_user, shared_cache
):
    """Another province's or county's regions, cached by a nationwide view, are neither offered to
    nor accepted from a scoped caller: the same refusal as a code that does not exist."""
    params = {"state": "", "year": ""}
    ministry = client_for(ministry_user).get(
        QUEUE, {**params, "province": "440000000000", "city": "440300000000", "county": "440303000000"}
    )
    assert ministry.context["form"].is_valid()
    shanghai = client_for(province_user).get(
        QUEUE, {**params, "city": "440300000000", "county": "440303000000"}
    )
    form = shanghai.context["form"]
    assert [c for c, _name in form.fields["city"].choices] == [""]  # a municipality
    assert [c for c, _name in form.fields["county"].choices] == [""]  # no county of Shanghai in 深圳市
    assert set(form.errors) == {"city", "county"}
    shanghai = client_for(province_user).get(QUEUE, {**params, "county": "440303000000"})
    counties = [c for c, _name in shanghai.context["form"].fields["county"].choices]
    assert "310104000000" in counties and "440303000000" not in counties
    assert set(shanghai.context["form"].errors) == {"county"}
    client_for(ministry_user).get(QUEUE, {**params, "province": "310000000000", "county": "310101000000"})
    xuhui = client_for(city_user).get(QUEUE, {**params, "street": "310101002000"})  # 黄浦区's street
    streets = [c for c, _name in xuhui.context["form"].fields["street"].choices if c]
    assert "310104003000" in streets and not [c for c in streets if not c.startswith("310104")]
    assert set(xuhui.context["form"].errors) == {"street"}


def test_queue_rows_escape_what_they_show(client_for, province_user, settings):
    """The rows are written in Python (apps/review/queue_rows.py): a name is text, never markup, in
    the link and in the bulk checkbox's label."""
    settings.CAMPAIGN_YEAR = 2026
    [a] = make_assessments(1, state=State.RECOMMENDED)
    a.community.name = '<b>"天平"&湖南</b>社区'
    a.community.save(update_fields=["name"])
    body = client_for(province_user).get(QUEUE, {"state": "recommended", "year": "2026"}).content.decode()
    escaped = "&lt;b&gt;&quot;天平&quot;&amp;湖南&lt;/b&gt;社区"
    assert f'<a href="{QUEUE}{a.pk}/">{escaped}</a>' in body and f'aria-label="选择{escaped}"' in body
    assert "<b>" not in body
