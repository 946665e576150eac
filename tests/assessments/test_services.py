import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.assessments import services
from apps.assessments.models import AssessmentEvent, Evidence, Rating, State, Submission
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.notices.models import Notice
from apps.review import services as review_services
from apps.review import submit_services

from .conftest import PDF_BYTES, fill


def response_of(assessment, number):
    return assessment.responses.select_related("criterion").get(criterion__number=number)


def test_create_opens_sixteen_responses_once(assessment, community_user, xuhui_community):
    assert assessment.responses.count() == 16
    assert assessment.standard.code == "national-trial-2020"
    again = services.assessment_create(community=xuhui_community, year=2026, user=community_user)
    assert again.pk == assessment.pk
    assert assessment.province_id == "310000000000" and assessment.county_id == "310104000000"


def test_statement_required_for_met(assessment, community_user):
    with pytest.raises(ServiceError, match="工作情况说明") as exc:
        services.response_save(
            response=response_of(assessment, 1), user=community_user, rating=Rating.MET, statement=" "
        )
    assert exc.value.field == "statement"
    saved = services.response_save(
        response=response_of(assessment, 1), user=community_user, rating=Rating.NOT_MET
    )
    assert saved.rating == Rating.NOT_MET


@pytest.mark.parametrize(
    ("number", "figure", "rating", "ok"),
    [
        (12, 29.9, "met", False),
        (12, 30, "met", True),
        (12, 10, "largely_met", True),
        (5, 99, "met", False),
        (5, 100, "met", True),
        (12, 101, "not_met", False),
        (12, -1, "not_met", False),
        (12, "abc", "not_met", False),
        (12, None, "met", False),
    ],
)
def test_figures_are_checked_against_the_rating(assessment, community_user, number, figure, rating, ok):
    call = lambda: services.response_save(  # noqa: E731
        response=response_of(assessment, number),
        user=community_user,
        rating=rating,
        statement="说明",
        figure=figure,
    )
    if ok:
        assert call().figure is not None
    else:
        with pytest.raises(ServiceError):
            call()
        assert response_of(assessment, number).rating == ""


def test_stale_save_is_refused_and_loses_nothing(assessment, community_user):
    r = response_of(assessment, 2)
    first = services.response_save(
        response=r, user=community_user, rating="met", statement="甲写的", expected_version=0
    )
    with pytest.raises(ConflictError):
        services.response_save(
            response=r, user=community_user, rating="met", statement="乙写的", expected_version=0
        )
    r.refresh_from_db()
    assert r.statement == "甲写的" and r.version == first.version == 1


def test_evidence_type_is_decided_by_content(assessment, community_user, png_upload):
    r = response_of(assessment, 3)
    e = services.evidence_add(
        response=r, user=community_user, uploaded_file=png_upload("whatever.pdf"), caption="现场照片"
    )
    assert e.kind == "png" and e.thumbnail.name and len(e.sha256) == 64
    assert not e.file.name.endswith("whatever.pdf")
    disguised = SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )
    with pytest.raises(ServiceError, match="Unsupported|不支持"):
        services.evidence_add(response=r, user=community_user, uploaded_file=disguised)
    svg = SimpleUploadedFile(
        "a.png", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', content_type="image/png"
    )
    with pytest.raises(ServiceError):
        services.evidence_add(response=r, user=community_user, uploaded_file=svg)
    with pytest.raises(ServiceError) as empty:
        services.evidence_add(response=r, user=community_user, uploaded_file=SimpleUploadedFile("e.pdf", b""))
    assert empty.value.code == "empty_file"
    assert Evidence.objects.filter(response=r).count() == 1


def test_oversized_file_is_refused(assessment, community_user, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * 200)
    with pytest.raises(ServiceError) as exc:
        services.evidence_add(response=response_of(assessment, 1), user=community_user, uploaded_file=big)
    assert exc.value.code == "file_too_large"


def test_submit_lists_what_is_missing(assessment, community_user):
    services.response_save(
        response=response_of(assessment, 1), user=community_user, rating="met", statement="做了"
    )
    with pytest.raises(ServiceError) as exc:
        submit_services.assessment_submit(assessment=assessment, user=community_user)
    assert exc.value.code == "incomplete"
    assert "1" in exc.value.message and "16" in exc.value.message
    assessment.refresh_from_db()
    assert assessment.state == State.DRAFT


def test_submit_freezes_the_version(submitted, community_user):
    assert submitted.state == State.SUBMITTED and submitted.round == 1
    assert Submission.objects.get(assessment=submitted).snapshot["responses"][0]["evidence"]
    assert not Evidence.objects.filter(response__assessment=submitted, submitted_round__isnull=True).exists()
    with pytest.raises(ConflictError):
        submit_services.assessment_submit(assessment=submitted, user=community_user)
    evidence = Evidence.objects.filter(response__assessment=submitted).first()
    with pytest.raises(ConflictError):
        services.evidence_remove(evidence=evidence, user=community_user)
    with pytest.raises(ConflictError):
        services.response_save(response=evidence.response, user=community_user, rating="not_met")


def test_whole_workflow_with_history(submitted, community_user, city_user, province_user):
    with pytest.raises(ServiceError):
        review_services.assessment_return(assessment=submitted, user=city_user, reason="")
    returned = review_services.assessment_return(
        assessment=submitted, user=city_user, reason="佐证材料不足", comments={12: "物业覆盖率证明缺失"}
    )
    assert returned.state == State.RETURNED
    assert response_of(returned, 12).review_comment == "物业覆盖率证明缺失"
    with pytest.raises(ServiceError) as unchanged:
        submit_services.assessment_submit(assessment=returned, user=community_user)
    assert unchanged.value.code == "unchanged"
    # A submitted file can only be withdrawn, never deleted.
    old = Evidence.objects.filter(response__criterion__number=12, response__assessment=returned).first()
    services.evidence_remove(evidence=old, user=community_user)
    assert Evidence.objects.filter(pk=old.pk, withdrawn_round=1).exists()
    services.evidence_add(
        response=response_of(returned, 12),
        user=community_user,
        uploaded_file=SimpleUploadedFile("n.pdf", PDF_BYTES),
    )
    resubmitted = submit_services.assessment_submit(assessment=returned, user=community_user)
    assert resubmitted.round == 2 and Submission.objects.filter(assessment=resubmitted).count() == 2
    recommended = review_services.assessment_recommend(assessment=resubmitted, user=city_user)
    approved = review_services.assessment_approve(assessment=recommended, user=province_user)
    assert approved.state == State.APPROVED and approved.approved_at
    revoked = review_services.assessment_revoke(assessment=approved, user=province_user, reason="复查不合格")
    assert revoked.state == State.REVOKED
    actions = list(AssessmentEvent.objects.filter(assessment=revoked).values_list("action", flat=True))
    assert [a for a in actions if a not in ("evidence_added", "evidence_removed")] == [
        "created",
        "submitted",
        "returned",
        "submitted",
        "recommended",
        "approved",
        "revoked",
    ]
    events = list(AssessmentEvent.objects.filter(assessment=revoked).order_by("at", "id"))
    for prev, cur in zip(events, events[1:], strict=False):
        assert cur.prev_hash == prev.hash and cur.hash == cur.compute_hash()
    # Returned, approved, revoked; and a receipt for each of the two submissions.
    assert Notice.objects.filter(recipient=community_user).exclude(text__contains="已收到").count() == 3
    assert Notice.objects.filter(recipient=community_user, text__contains="已收到").count() == 2


def test_return_sends_an_email_after_commit(submitted, city_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review_services.assessment_return(assessment=submitted, user=city_user, reason="照片不清晰")
    assert len(mail.outbox) == 1
    assert "照片不清晰" in mail.outbox[0].body and mail.outbox[0].to == ["committee@example.org"]


def test_wrong_state_and_wrong_role_are_refused(submitted, community_user, city_user, province_user):
    with pytest.raises(ConflictError):
        review_services.assessment_approve(assessment=submitted, user=province_user)
    with pytest.raises(ForbiddenError):
        review_services.assessment_recommend(assessment=submitted, user=community_user)
    with pytest.raises(ForbiddenError):
        review_services.assessment_approve(assessment=submitted, user=city_user)
    review_services.assessment_recommend(assessment=submitted, user=city_user)
    with pytest.raises(ConflictError, match="already|已"):
        review_services.assessment_recommend(assessment=submitted, user=city_user)
    with pytest.raises(ConflictError):
        review_services.assessment_revoke(assessment=submitted, user=province_user, reason="x")


def test_out_of_scope_reviewer_cannot_act(submitted, db):
    from apps.accounts.models import Role
    from tests.factories import UserFactory, region

    other = UserFactory(username="beijing", role=Role.PROVINCE, region=region("11"))
    with pytest.raises(ServiceError) as exc:
        review_services.assessment_return(assessment=submitted, user=other, reason="x")
    assert exc.value.status == 404


def test_history_is_append_only(submitted):
    from django.core.exceptions import PermissionDenied

    event = AssessmentEvent.objects.filter(assessment=submitted).first()
    event.reason = "tampered"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        AssessmentEvent.objects.filter(assessment=submitted).delete()


def test_demonstration_needs_approval(submitted, city_user, province_user):
    with pytest.raises(ConflictError):
        review_services.demonstration_designate(assessment=submitted, user=province_user, citation="示范")
    review_services.assessment_recommend(assessment=submitted, user=city_user)
    approved = review_services.assessment_approve(assessment=submitted, user=province_user)
    demo = review_services.demonstration_designate(
        assessment=approved, user=province_user, citation="垃圾分类成效显著"
    )
    assert demo.year == 2026


def test_fill_helper_makes_submittable(assessment, community_user):
    fill(assessment, community_user)
    assert services.assessment_missing(assessment) == []
