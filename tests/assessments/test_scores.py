"""Self-scores under a scored local standard (issue 12, item 2): bounded by the criterion's points,
typed as half-width numbers, totals recomputed with every save, required to submit."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.assessments import services
from apps.assessments.models import Rating, Response
from apps.core.errors import ServiceError
from apps.review import services as review_services
from tests.assessments.conftest import PDF_BYTES
from tests.standards.builders import VARIANT_POINTS, variant_published


@pytest.fixture
def scored(province_user, community_user, xuhui_community):
    variant_published(province_user, year=2026)
    assessment = services.assessment_create(community=xuhui_community, year=2026, user=community_user)
    assert assessment.standard.is_scored and assessment.responses.count() == 18
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
        ("6", "score_out_of_range", "第1项的得分应在0到该项分值5分之间。"),
        ("-1", "score_out_of_range", "第1项的得分应在0到该项分值5分之间。"),
        ("abc", "invalid_score", "第1项的得分应为0到5之间的数字。"),
        ("1e1", "invalid_score", "第1项的得分应为0到5之间的数字。"),
        ("４", "full_width_score", "请用半角数字填写第1项的得分（如4），不接受４这样的全角数字。"),
        ("1.234", "invalid_score", "第1项的得分最多保留两位小数。"),
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
    assert len(missing) == 18 and "第18项：尚未自评打分。" in missing
    for number in range(1, 19):
        save(scored, community_user, number, "1")
    scored.refresh_from_db()
    assert scored.self_total == Decimal(18) < scored.standard.pass_mark
    submitted = review_services.assessment_submit(assessment=scored, user=community_user)
    assert submitted.state == "submitted"
    snap = submitted.submissions.get().snapshot
    assert snap["self_total"] == "18.00" and snap["responses"][0]["self_score"] == "1.00"
    assert sum(VARIANT_POINTS.values()) == scored.standard.total_points
