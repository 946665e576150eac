"""The public community page and the survey, as a resident's phone sees them."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from apps.assessments.models import State
from apps.residents.models import Answer
from tests.factories import region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()


def page(client, community):
    return client.get(reverse("residents:page", kwargs={"code": community.code}))


def test_unknown_or_retired_code_is_a_chinese_404_with_the_public_index(client, xuhui_community):
    import datetime as dt

    for code in ("310104003999", "abc", "1" * 30):
        response = client.get(f"/r/{code}/")
        assert response.status_code == 404
        assert "找不到" in response.content.decode() or "不存在" in response.content.decode()
        assert reverse("public:index") in response.content.decode()
    xuhui_community.retired_on = dt.date(2025, 1, 1)
    xuhui_community.retirement = "abolished"
    xuhui_community.save()
    assert page(client, xuhui_community).status_code == 404
    assert client.get(reverse("residents:survey", kwargs={"code": xuhui_community.code})).status_code == 404


def test_a_draft_shows_no_claims_and_no_status(client, assessment):
    html = page(client, assessment.community).content.decode()
    assert 'data-status="none"' in html
    assert 'data-testid="claims"' not in html


def test_submitted_assessment_shows_claims_never_comments_or_evidence(client, submitted, city_user):
    response = submitted.responses.get(criterion__number=1)
    response.review_comment = "审核员内部意见XYZ"
    response.save()
    html = page(client, submitted.community).content.decode()
    assert 'data-status="in_review"' in html
    assert html.count('<li><span class="claim-text">') == submitted.responses.count()
    assert "审核员内部意见XYZ" not in html
    assert "/evidence/" not in html


def test_another_years_assessment_is_not_shown(client, submitted, settings):
    settings.CAMPAIGN_YEAR = 2027
    cache.clear()
    html = page(client, submitted.community).content.decode()
    assert 'data-status="none"' in html


@pytest.mark.parametrize(
    ("state", "status"),
    [
        (State.RETURNED, "participating"),
        (State.APPROVED, "named"),
        (State.REVOKED, "revoked"),
        (State.PROPOSED, "proposed"),
    ],
)
def test_status_labels(client, submitted, state, status):
    submitted.state = state
    submitted.save(update_fields=["state"])
    assert f'data-status="{status}"' in page(client, submitted.community).content.decode()


def test_in_public_notice_links_the_batch_objection_form(client, submitted, province_user):
    import datetime as dt

    from apps.naming.models import Batch, BatchEntry

    submitted.state = State.PROPOSED
    submitted.save(update_fields=["state"])
    batch = Batch.objects.create(
        province=region("31"),
        year=2026,
        number=1,
        title="第一批",
        state="published",
        notice_start=dt.date(2026, 12, 1),
        notice_end=dt.date(2026, 12, 7),
    )
    BatchEntry.objects.create(batch=batch, assessment=submitted)
    html = page(client, submitted.community).content.decode()
    assert 'data-status="in_notice"' in html
    assert reverse("public:batch-objection", kwargs={"pk": batch.pk}) in html


def survey_url(community):
    return reverse("residents:survey", kwargs={"code": community.code})


def post_answer(client, community, ratings=(5, 4, 2), comment="很好", **extra):
    data = {f"q{i}": r for i, r in enumerate(ratings, start=1)}
    return client.post(survey_url(community), {**data, "comment": comment, "action": "answer", **extra})


def test_one_answer_per_device_and_year(client, survey, xuhui_community):
    assert client.get(survey_url(xuhui_community)).status_code == 200  # sets the device cookie
    response = post_answer(client, xuhui_community)
    assert 'data-testid="survey-done"' in response.content.decode()
    second = post_answer(client, xuhui_community, ratings=(1, 1, 1))
    assert second.status_code == 409
    assert Answer.objects.count() == 1
    assert list(Answer.objects.values_list("q1", "q2", "q3")) == [(5, 4, 2)]
    # The page says so to a device that already answered.
    assert 'data-testid="survey-already"' in client.get(survey_url(xuhui_community)).content.decode()


def test_without_the_device_cookie_nothing_is_stored_and_the_text_comes_back(client, survey, xuhui_community):
    response = post_answer(client, xuhui_community, comment="我写的意见")
    assert response.status_code == 400
    assert "我写的意见" in response.content.decode()
    assert Answer.objects.count() == 0
    # The refusal set the cookie: sending again counts.
    assert 'data-testid="survey-done"' in post_answer(client, xuhui_community).content.decode()


def test_bad_input_is_refused_and_kept(client, survey, xuhui_community):
    client.get(survey_url(xuhui_community))
    missing = client.post(survey_url(xuhui_community), {"q1": 5, "comment": "保留这段"})
    assert missing.status_code == 400
    assert "保留这段" in missing.content.decode()
    control = post_answer(client, xuhui_community, comment="坏\x00字符")
    assert control.status_code == 400
    too_long = post_answer(client, xuhui_community, comment="长" * 501)
    assert too_long.status_code == 400
    script = post_answer(client, xuhui_community, ratings=(9, 4, 4), comment="<script>alert(1)</script>")
    assert script.status_code == 400
    assert "<script>alert(1)</script>" not in script.content.decode()
    assert "&lt;script&gt;" in script.content.decode()
    assert Answer.objects.count() == 0


def test_flood_from_one_address_is_throttled(client, survey, xuhui_community, settings):
    settings.RESIDENT_ANSWERS_PER_ADDRESS_HOUR = 3
    statuses = []
    for _ in range(5):
        client.cookies.clear()
        client.get(survey_url(xuhui_community))
        statuses.append(post_answer(client, xuhui_community).status_code)
    assert statuses == [200, 200, 200, 429, 429]
    assert Answer.objects.count() == 3


def test_default_survey_when_the_province_set_none(client, xuhui_community):
    html = client.get(survey_url(xuhui_community)).content.decode()
    assert html.count('data-testid="question"') == 5


def test_sms_code_required_no_phone_stored(client, survey, province_user, xuhui_community, caplog):
    from apps.residents import services, sms

    survey.sms_required = True
    survey.save()
    phone = "13912345678"
    client.get(survey_url(xuhui_community))
    no_code = post_answer(client, xuhui_community, phone=phone, code="000000")
    assert no_code.status_code == 400
    sent = post_answer(client, xuhui_community, phone=phone, action="send_code")
    assert 'data-testid="code-sent"' in sent.content.decode()
    ((to, text),) = sms.outbox
    assert to == phone
    code = "".join(ch for ch in text if ch.isdigit())[:6]
    ok = post_answer(client, xuhui_community, phone="139 1234 5678", code=code)
    assert 'data-testid="survey-done"' in ok.content.decode()
    stored = Answer.objects.get()
    assert stored.phone_hash and phone not in stored.phone_hash
    # A second device with the same phone does not count.
    client.cookies.clear()
    client.get(survey_url(xuhui_community))
    post_answer(client, xuhui_community, phone=phone, action="send_code")
    code2 = "".join(ch for ch in sms.outbox[-1][1] if ch.isdigit())[:6]
    assert post_answer(client, xuhui_community, phone=phone, code=code2).status_code == 409
    assert Answer.objects.count() == 1
    assert phone not in caplog.text
    assert services  # imported for the outbox's backend


def test_no_phone_number_anywhere_in_the_database(client, survey, xuhui_community):
    from django.db import connection

    from apps.residents import sms

    survey.sms_required = True
    survey.save()
    phone = "13812349876"
    client.get(survey_url(xuhui_community))
    post_answer(client, xuhui_community, phone=phone, action="send_code")
    code = "".join(ch for ch in sms.outbox[-1][1] if ch.isdigit())[:6]
    assert (
        "survey-done"
        in post_answer(client, xuhui_community, phone=phone, code=code, comment="好").content.decode()
    )
    # Every text column of every table of the project.
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            description = connection.introspection.get_table_description(cursor, table)
            for column in description:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{table}" WHERE CAST("{column.name}" AS TEXT) LIKE %s',  # noqa: S608
                    [f"%{phone[-8:]}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column.name))
    assert found == []


def test_page_stays_cached_and_cheap(client, submitted, django_assert_max_num_queries):
    page(client, submitted.community)
    with django_assert_max_num_queries(3):
        assert page(client, submitted.community).status_code == 200


def test_other_province_community_has_its_own_page(client, other_community):
    assert page(client, other_community).status_code == 200


def test_asking_for_a_code_first_keeps_what_was_typed_without_errors(client, survey, xuhui_community):
    survey.sms_required = True
    survey.save()
    client.get(survey_url(xuhui_community))
    response = client.post(
        survey_url(xuhui_community),
        {"q1": "4", "comment": "先要验证码", "phone": "13912345678", "action": "send_code"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="code-sent"' in html
    assert "先要验证码" in html and 'value="4" checked' in html.replace("required ", "") or "checked" in html
    assert 'class="errorbox"' not in html
