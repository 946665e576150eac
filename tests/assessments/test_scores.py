"""Self-scores under a scored local standard (issue 12, item 2): bounded by the criterion's points,
typed as half-width numbers, totals recomputed with every save, required to submit."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.assessments import services
from apps.assessments.models import Rating, Response
from apps.core.errors import ServiceError
from apps.review import services as review_services
from apps.review import submit_services
from tests.assessments.conftest import PDF_BYTES
from tests.factories import AssessmentFactory
from tests.standards.builders import VARIANT_POINTS, variant_published


@pytest.fixture
def scored(province_user, community_user, xuhui_community):
    variant_published(province_user, year=2026)
    assessment = AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)
    assert assessment.standard.is_scored and assessment.responses.count() == 18
    return assessment


def fill_scored(assessment, user, score="4"):
    """Answer all 18 criteria as met with one PDF each and the self-score `score` (or a dict by
    number): a submittable scored assessment."""
    for number in range(1, 19):
        value = score.get(number, "0") if isinstance(score, dict) else score
        save(assessment, user, number, value)
        services.evidence_add(
            response=response(assessment, number),
            user=user,
            uploaded_file=SimpleUploadedFile("e.pdf", PDF_BYTES, content_type="application/pdf"),
        )
    assessment.refresh_from_db()
    return assessment


def response(assessment, number):
    return Response.objects.select_related("criterion", "assessment").get(
        assessment=assessment, criterion__number=number
    )


def save(assessment, user, number, score, **kw):
    return services.response_save(
        response=response(assessment, number),
        user=user,
        rating=Rating.MET,
        statement="已完成。",
        figure={5: 100, 12: 60, 17: 100}.get(number),
        self_score=score,
        **kw,
    )


def test_self_score_is_saved_and_totals_follow_every_save(scored, community_user):
    save(scored, community_user, 1, "4.5")
    save(scored, community_user, 17, "10")
    scored.refresh_from_db()
    assert scored.self_total == Decimal("14.50")
    save(scored, community_user, 17, "8")
    scored.refresh_from_db()
    direct = sum(r.self_score for r in scored.responses.exclude(self_score=None))
    assert scored.self_total == direct == Decimal("12.50")
    assert scored.confirmed_total is None
    # A save that does not touch the score keeps it.
    services.response_save(
        response=response(scored, 1), user=community_user, rating=Rating.MET, statement="改。"
    )
    assert response(scored, 1).self_score == Decimal("4.5")


@pytest.mark.parametrize(
    "typed, code, message",
    [
        ("6", "score_out_of_range", "第1条的得分应在0到该条分值5分之间。"),
        ("-1", "score_out_of_range", "第1条的得分应在0到该条分值5分之间。"),
        ("abc", "invalid_score", "第1条的得分应为0到5之间的数字。"),
        ("1e1", "invalid_score", "第1条的得分应为0到5之间的数字。"),
        ("４", "full_width_score", "请用半角数字填写第1条的得分（如4），不接受４这样的全角数字。"),
        ("1.234", "invalid_score", "第1条的得分最多保留两位小数。"),
    ],
)
def test_bad_self_scores_are_refused_in_chinese_and_nothing_is_saved(
    scored, community_user, typed, code, message
):
    with pytest.raises(ServiceError) as exc:
        save(scored, community_user, 1, typed)
    assert (exc.value.code, exc.value.field, exc.value.message) == (code, "self_score", message)
    r = response(scored, 1)
    assert (r.self_score, r.rating, r.version) == (None, "", 0)


def test_a_standard_without_points_takes_no_score(assessment, community_user):
    r = assessment.responses.select_related("criterion", "assessment").get(criterion__number=1)
    with pytest.raises(ServiceError) as exc:
        services.response_save(
            response=r, user=community_user, rating=Rating.MET, statement="x", self_score="3"
        )
    assert exc.value.code == "not_scored"
    services.response_save(response=r, user=community_user, rating=Rating.MET, statement="x", self_score="")
    assessment.refresh_from_db()
    assert assessment.self_total is None


def test_submitting_needs_every_self_score_and_is_allowed_below_the_pass_mark(scored, community_user):
    for number in range(1, 19):
        save(scored, community_user, number, "")
        services.evidence_add(
            response=response(scored, number),
            user=community_user,
            uploaded_file=SimpleUploadedFile("e.pdf", PDF_BYTES, content_type="application/pdf"),
        )
    missing = services.assessment_missing(scored)
    assert len(missing) == 18 and "第18条：尚未自评打分。" in missing
    for number in range(1, 19):
        save(scored, community_user, number, "1")
    scored.refresh_from_db()
    assert scored.self_total == Decimal(18) < scored.standard.pass_mark
    submitted = submit_services.assessment_submit(assessment=scored, user=community_user)
    assert submitted.state == "submitted"
    snap = submitted.submissions.get().snapshot
    assert snap["self_total"] == "18.00" and snap["responses"][0]["self_score"] == "1.00"
    assert sum(VARIANT_POINTS.values()) == scored.standard.total_points


# --- The community's page ----------------------------------------------------------------------


def post(client, assessment, number, headers=None, **data):
    r = response(assessment, number)
    payload = {"rating": "met", "statement": "已完成。", "figure": "", "caption": "", "version": r.version}
    payload.update(data)
    url = reverse("assessments:criterion", args=[assessment.pk, number])
    return client.post(url, payload, headers=headers or {})


def test_the_page_shows_points_and_the_running_total_against_the_pass_mark(
    scored, community_user, client_for
):
    client = client_for(community_user)
    assert post(client, scored, 18, self_score="7.5").status_code == 302
    body = client.get(reverse("assessments:detail", args=[scored.pk])).content.decode()
    assert body.count('data-testid="score-field"') == 18
    assert "满分10分" in body and 'value="7.5"' in body
    total = body.split('data-testid="score-total"')[1].split("</dd>")[0]
    assert 'data-pass-mark="70.00">7.5</strong> / 100 · 达标分数线70分' in total
    assert "低于达标分数线" in body


def test_a_bad_score_is_refused_next_to_the_field_and_the_typed_text_stays(
    scored, community_user, client_for
):
    client = client_for(community_user)
    res = post(client, scored, 1, self_score="５", statement="我们做了很多。")
    body = res.content.decode()
    assert res.status_code == 400
    assert 'data-testid="score-error">请用半角数字填写第1条的得分（如5），不接受４这样的全角数字。' in body
    assert 'value="５"' in body and "我们做了很多。" in body
    assert response(scored, 1).version == 0
    res = post(client, scored, 1, self_score="9", headers={"X-Requested-With": "fetch"})
    assert res.status_code == 400 and "第1条的得分应在0到该条分值5分之间。" in res.json()["html"]


def test_saving_by_fetch_answers_the_new_total(scored, community_user, client_for):
    client = client_for(community_user)
    post(client, scored, 2, self_score="5")
    res = post(client, scored, 3, self_score="4", headers={"X-Requested-With": "fetch"})
    assert res.status_code == 200 and res.json()["self_total"] == "9"


# --- The below-the-pass-mark note says what is true (issue 20, item 2) ------------------------


def _score_box(client, assessment) -> str:
    body = client.get(reverse("assessments:detail", args=[assessment.pk])).content.decode()
    return body.split('data-testid="score-total"')[1].split("</dd>")[0]


def test_the_below_pass_mark_note_is_hidden_at_or_above_it_and_gone_once_submitted(
    scored, community_user, client_for, city_user, province_user, settings
):
    settings.CAMPAIGN_YEAR = 2026
    fill_scored(scored, community_user, score="5")  # 18 × 5 = 90 of 100, pass mark 70
    client = client_for(community_user)
    box = _score_box(client, scored)
    assert 'data-pass-mark="70.00">90</strong>' in box
    # The note is in the page for the script (the total follows each save) but hidden.
    note = box.split('data-testid="below-pass"')[1].split(">")[0]
    assert note.strip() == "hidden"
    a = submit_services.assessment_submit(assessment=scored, user=community_user)
    box = _score_box(client, a)
    assert "仍可提交" not in box and "below-pass" not in box
    a = review_services.assessment_recommend(assessment=a, user=city_user)
    a = review_services.assessment_approve(assessment=a, user=province_user)
    assert "below-pass" not in _score_box(client, a)


def test_after_submitting_below_the_pass_mark_the_note_says_which_score(
    scored, community_user, client_for, settings
):
    settings.CAMPAIGN_YEAR = 2026
    fill_scored(scored, community_user, score="3")  # 54 < 70
    client = client_for(community_user)
    assert "仍可提交" in _score_box(client, scored)
    submit_services.assessment_submit(assessment=scored, user=community_user)
    box = _score_box(client, scored)
    assert "仍可提交" not in box
    assert 'data-testid="below-pass">自评分低于达标分数线</span>' in box


def test_the_criterion_text_says_the_threshold_it_is_checked_against(scored, community_user, client_for):
    # A standard published with a text that contradicts its threshold (as the demo's was).
    from apps.standards.models import Criterion

    Criterion.objects.filter(standard=scored.standard, number=12).update(threshold=Decimal(50))
    body = client_for(community_user).get(reverse("assessments:detail", args=[scored.pk])).content.decode()
    twelve = body.split('data-testid="criterion-12"')[1].split("</h3>")[0]
    assert "物业管理覆盖面不低于50%" in twelve and "30%" not in twelve
