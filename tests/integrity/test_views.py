"""What a person sees: the review page names the other community (name, province, year only), the
flag page shows the other statement or photo only within the caller's scope (the ministry sees
both), a reviewer explains a flag once (history, mirror in scope), the figures page and the API."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role
from apps.assessments.models import Action, AssessmentEvent
from apps.integrity.models import Flag, FlagKind
from tests.factories import UserFactory, region

from .data import SHARED_PARAGRAPH

pytestmark = pytest.mark.django_db


def _flag(shared, kind, side="a", other="c"):
    return Flag.objects.get(assessment=shared[side], kind=kind, other_assessment=shared[other])


def test_the_review_page_names_the_other_community_only(
    shared, client_for, city_user, django_assert_max_num_queries
):
    client = client_for(city_user)
    with django_assert_max_num_queries(60):
        page = client.get(reverse("review:detail", args=[shared["a"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="integrity-flags-1"' in html and 'data-testid="integrity-flags-2"' in html
    assert "东华丙社区居委会" in html and "北京市" in html and "2021" in html
    assert "天平乙社区居委会" in html
    # Nothing of the Beijing community's own text.
    assert "9173" not in html and "群众" not in html
    flag = _flag(shared, FlagKind.STATEMENT)
    percent = round(flag.similarity * 100)
    assert f"该陈述与 东华丙社区居委会（北京市，2021 年）的陈述 {percent}% 相同" in html
    assert "该照片也由 东华丙社区居委会（北京市，2021 年）提交" in html


def test_the_review_page_query_count_does_not_grow_with_flags(
    shared, client_for, city_user, django_assert_num_queries
):
    client = client_for(city_user)
    url = reverse("review:detail", args=[shared["a"].pk])
    client.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as before:
        client.get(url)
    Flag.objects.create(
        assessment=shared["a"], response=shared["ra"][5], kind=FlagKind.NOT_COMPARABLE, key="extra:1"
    )
    with CaptureQueriesContext(connection) as after:
        client.get(url)
    assert len(after) == len(before)


def test_the_flag_page_hides_another_provinces_evidence(shared, client_for, city_user):
    flag = _flag(shared, FlagKind.STATEMENT)
    html = client_for(city_user).get(reverse("integrity:flag", args=[flag.pk])).content.decode()
    assert "东华丙社区居委会" in html and 'data-testid="other-hidden"' in html
    assert "9173" not in html and 'data-testid="other-statement"' not in html
    photo = _flag(shared, FlagKind.PHOTO)
    html = client_for(city_user).get(reverse("integrity:flag", args=[photo.pk])).content.decode()
    assert 'data-testid="other-photo"' not in html
    assert reverse("assessments:evidence-thumbnail", args=[shared["ec"].pk]) not in html


def test_the_flag_page_shows_both_sides_within_scope(shared, client, ministry_user, city_user):
    client.force_login(ministry_user)
    flag = _flag(shared, FlagKind.STATEMENT)
    html = client.get(reverse("integrity:flag", args=[flag.pk])).content.decode()
    assert 'data-testid="other-statement"' in html and "9173" in html
    photo = _flag(shared, FlagKind.PHOTO)
    html = client.get(reverse("integrity:flag", args=[photo.pk])).content.decode()
    assert reverse("assessments:evidence-thumbnail", args=[shared["ec"].pk]) in html
    # The same street: a district reviewer sees the other photo too.
    client.force_login(city_user)
    same_street = _flag(shared, FlagKind.PHOTO, other="b")
    html = client.get(reverse("integrity:flag", args=[same_street.pk])).content.decode()
    assert reverse("assessments:evidence-thumbnail", args=[shared["eb"].pk]) in html


def test_another_provinces_flag_is_not_found(shared, client_for, city_user):
    flag = Flag.objects.filter(assessment=shared["c"]).first()
    assert client_for(city_user).get(reverse("integrity:flag", args=[flag.pk])).status_code == 404


def test_a_reviewer_explains_a_shared_facility_once(shared, client_for, city_user):
    flag = _flag(shared, FlagKind.PHOTO, other="b")
    mirror = _flag(shared, FlagKind.PHOTO, side="b", other="a")
    beijing = _flag(shared, FlagKind.PHOTO, side="c", other="a")
    response = client_for(city_user).post(
        reverse("integrity:flag", args=[flag.pk]), {"note": "两个社区共用的垃圾分类亭"}
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    mirror.refresh_from_db()
    beijing.refresh_from_db()
    assert (
        flag.is_explained
        and flag.explained_by == city_user
        and flag.explanation == "两个社区共用的垃圾分类亭"
    )
    assert mirror.is_explained  # the same street: in the reviewer's scope
    assert not beijing.is_explained  # another province: not the reviewer's to explain
    event = AssessmentEvent.objects.get(assessment=shared["a"], action=Action.FLAG_EXPLAINED)
    assert event.reason == "两个社区共用的垃圾分类亭" and event.data["criterion"] == 2
    assert AssessmentEvent.objects.filter(assessment=shared["b"], action=Action.FLAG_EXPLAINED).exists()
    page = client_for(city_user).get(reverse("review:detail", args=[shared["a"].pk])).content.decode()
    assert 'data-testid="flag-explained"' in page


def test_an_explanation_needs_a_note_and_keeps_nothing_half_done(shared, client_for, city_user):
    flag = _flag(shared, FlagKind.STATEMENT)
    response = client_for(city_user).post(reverse("integrity:flag", args=[flag.pk]), {"note": "   "})
    assert response.status_code == 400
    flag.refresh_from_db()
    assert not flag.is_explained
    assert not AssessmentEvent.objects.filter(action=Action.FLAG_EXPLAINED).exists()


def test_the_ministry_reads_but_does_not_explain(shared, client_for, ministry_user):
    flag = _flag(shared, FlagKind.STATEMENT)
    response = client_for(ministry_user).post(reverse("integrity:flag", args=[flag.pk]), {"note": "x"})
    assert response.status_code == 403
    flag.refresh_from_db()
    assert not flag.is_explained


def test_the_figures_page_puts_provinces_side_by_side_for_the_ministry(
    shared, client_for, ministry_user, city_user
):
    html = client_for(ministry_user).get(reverse("integrity:figures")).content.decode()
    assert 'data-province="310000000000"' in html and 'data-province="110000000000"' in html
    html = client_for(city_user).get(reverse("integrity:figures")).content.decode()
    assert 'data-province="310000000000"' in html and 'data-province="110000000000"' not in html


def test_the_api_lists_flags_scoped_like_the_assessment(
    shared, client_for, city_user, ministry_user, django_assert_max_num_queries
):
    client = client_for(city_user)
    url = reverse("api:assessment-integrity-flags", args=[shared["a"].pk])
    with django_assert_max_num_queries(12):
        data = client.get(url).json()
    kinds = {f["kind"] for f in data}
    assert kinds == {"statement", "photo"}
    beijing = [f for f in data if f["other"] and f["other"]["province"] == "北京市"]
    assert beijing and all(set(f["other"]) == {"name", "province", "year"} for f in beijing)
    assert all(f["other_evidence"] is None for f in beijing)
    assert client.get(reverse("api:assessment-integrity-flags", args=[shared["c"].pk])).status_code == 404
    ministry = client_for(ministry_user).get(url).json()
    assert shared["ec"].pk in {f["other_evidence"] for f in ministry}


def test_a_committee_does_not_see_flags(shared, client_for):
    committee = UserFactory(username="a-committee", role=Role.COMMUNITY, community=shared["a"].community)
    client = client_for(committee)
    assert client.get(reverse("api:assessment-integrity-flags", args=[shared["a"].pk])).status_code == 403
    assert client.get(reverse("integrity:figures")).status_code == 403


def test_the_copied_statement_is_the_planted_one(shared):
    flag = _flag(shared, FlagKind.STATEMENT)
    assert flag.response == shared["ra"][1] and flag.other_response == shared["rc"][1]
    assert SHARED_PARAGRAPH[:10] in flag.response.statement
    assert region("31") == shared["a"].province
