"""Control characters in the review and the self-assessment: refused by the services (so by the
pages and the API alike), naming the field; line breaks are text; nothing is saved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.assessments import services
from apps.core.errors import ServiceError
from apps.review import services as review_services
from apps.review import verdict_services
from tests.api.conftest import api  # noqa: F401
from tests.assessments.conftest import PDF_BYTES
from tests.review.conftest import confirmed


def _refused(call, field):
    with pytest.raises(ServiceError) as refused:
        call()
    assert refused.value.code == "control_character" and refused.value.field == field
    return refused.value.message


def test_statement_refuses_controls_keeps_line_breaks(assessment, community_user):
    response = assessment.responses.get(criterion__number=1)
    message = _refused(
        lambda: services.response_save(
            response=response, user=community_user, rating="met", statement="已\x00完成"
        ),
        "statement",
    )
    assert message == "“工作情况说明”含有无法保存的控制字符（U+0000，第 2 个字符），请删除后重试。"
    response.refresh_from_db()
    assert response.statement == "" and response.version == 0
    saved = services.response_save(
        response=response, user=community_user, rating="met", statement="一\r\n\t二"
    )
    assert saved.statement == "一\r\n\t二"


def test_evidence_caption_refuses_controls_and_file_names_are_cleaned(assessment, community_user):
    response = assessment.responses.get(criterion__number=1)
    upload = SimpleUploadedFile("会议\x07纪要.pdf", PDF_BYTES, content_type="application/pdf")
    _refused(
        lambda: services.evidence_add(
            response=response, user=community_user, uploaded_file=upload, caption="a\tb"
        ),
        "caption",
    )
    upload.seek(0)
    evidence = services.evidence_add(
        response=response, user=community_user, uploaded_file=upload, caption="纪要"
    )
    assert evidence.original_name == "会议纪要.pdf"


def test_review_comment_return_revoke_and_citation_refuse_controls(submitted, city_user, province_user):
    response = submitted.responses.get(criterion__number=3)
    _refused(
        lambda: verdict_services.response_review(
            response=response, user=city_user, verdict="not_confirmed", comment="照片\x1b不清"
        ),
        "comment",
    )
    _refused(
        lambda: review_services.assessment_return(assessment=submitted, user=city_user, reason="x\x00"),
        "reason",
    )
    _refused(
        lambda: review_services.assessment_return(
            assessment=submitted, user=city_user, reason="请补充", comments={3: "缺\x7f照片"}
        ),
        "comments.3",
    )
    recommended = review_services.assessment_recommend(assessment=submitted, user=city_user)
    approved = review_services.assessment_approve(assessment=recommended, user=province_user)
    _refused(
        lambda: review_services.demonstration_designate(
            assessment=approved, user=province_user, citation="示范\x0c"
        ),
        "citation",
    )
    _refused(
        lambda: review_services.assessment_revoke(assessment=approved, user=province_user, reason="复查\x01"),
        "reason",
    )
    approved.refresh_from_db()
    assert approved.state == "approved"


def test_review_page_shows_the_refusal_next_to_the_field(client_for, submitted, city_user):
    client = client_for(city_user)
    r = client.post(
        reverse("review:decide", args=[submitted.pk, "return"]),
        {
            **confirmed(submitted),
            "reason": "请补充\x1f材料",
            "expected_version": submitted.version,
            "version": submitted.version,
        },
    )
    assert r.status_code == 400
    assert "“退回理由”含有无法保存的控制字符（U+001F，第 4 个字符），请删除后重试。" in r.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_api_answers_the_field_with_the_chinese_message(api, community_user, assessment):  # noqa: F811
    r = api(community_user).put(
        f"/api/v1/assessments/{assessment.pk}/responses/1/", {"rating": "met", "statement": "已\x00完成"}
    )
    assert r.status_code == 400
    assert r.json()["fields"]["statement"] == [
        "“工作情况说明”含有无法保存的控制字符（U+0000，第 2 个字符），请删除后重试。"
    ]
