import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.assessments.models import AssessmentEvent, State
from apps.core.errors import ConflictError, ServiceError
from apps.naming import services as naming_services
from apps.sitechecks import services
from apps.sitechecks.models import Assignment, AssignmentState, Conflict, InspectionItem, InspectionPhoto

from .conftest import HUANGPU, SHANGHAI, TODAY


def jpeg(color=(10, 120, 60)):
    buf = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buf, "JPEG")
    return SimpleUploadedFile("p.jpg", buf.getvalue(), content_type="image/jpeg")


def upload(assignment, user, *, inspection, criterion=1, item=None, verdict="met", photos=()):
    return services.item_upload(
        user=user,
        assignment_pk=assignment.pk,
        inspection_id=inspection,
        item_id=item or uuid.uuid4(),
        criterion_number=criterion,
        verdict=verdict,
        note="现场已核实",
        client_at="2026-12-01T08:00:00+08:00",
        photo_uploads=photos,
    )


def fill_all(assignment, user, inspection):
    for n in range(1, 17):
        upload(assignment, user, inspection=inspection, criterion=n)


# --- conflict rule ------------------------------------------------------------------------------


def test_expert_never_assigned_a_community_of_their_work_district(drawn, group, province_user):
    sample = drawn.entries.get(county_id=HUANGPU)
    with pytest.raises(ServiceError) as exc:
        services.assignment_create(user=province_user, sample=sample, group=group)
    assert exc.value.code == "conflict_of_interest"
    assert "专家exp-a" in str(exc.value.message)
    assert not Assignment.objects.exists()


def test_declared_conflict_is_recorded_and_the_community_reassigned(assignment, experts, province_user, plan):
    expert = experts[1]
    services.conflict_declare(user=expert, assignment=assignment, reason="亲属居住在该社区")
    assignment.refresh_from_db()
    assert assignment.state == AssignmentState.CONFLICT
    assert Conflict.objects.get().expert == expert
    # The same expert's group may not take it again; another group may.
    with pytest.raises(ServiceError):
        services.assignment_create(user=province_user, sample=assignment.sample, group=assignment.group)
    other = services.group_create(
        user=province_user, plan=plan, name="第三检查组", leader_id=experts[0].pk, member_ids=[experts[0].pk]
    )
    again = services.assignment_create(user=province_user, sample=assignment.sample, group=other)
    assert again.state == AssignmentState.OPEN


# --- held communities and the naming step ----------------------------------------------------


def test_held_community_cannot_be_published(assignment, experts, province_user, today):
    held = assignment.sample.assessment
    batch = naming_services.batch_create(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        title="第一批",
        notice_start=TODAY,
        assessment_ids=[held.pk],
    )
    with pytest.raises(ConflictError) as exc:
        naming_services.batch_publish(user=province_user, batch=batch)
    assert exc.value.code == "step_pending"
    assert held.community.name in str(exc.value.message)
    leader = experts[1]
    inspection = uuid.uuid4()
    fill_all(assignment, leader, inspection)
    services.inspection_sign_off(user=leader, assignment=assignment, passed=True, conclusion="符合要求")
    published = naming_services.batch_publish(user=province_user, batch=batch)
    assert published.state == "published"


def test_batch_waits_for_the_draw(plan, proposed, province_user, today):
    batch = naming_services.batch_create(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        title="第一批",
        notice_start=TODAY,
        assessment_ids=[proposed[0].pk],
    )
    with pytest.raises(ConflictError, match="样本尚未抽取"):
        naming_services.batch_publish(user=province_user, batch=batch)


def test_failed_inspection_goes_back_to_review_with_history(assignment, experts):
    leader = experts[1]
    fill_all(assignment, leader, uuid.uuid4())
    services.inspection_sign_off(
        user=leader, assignment=assignment, passed=False, conclusion="垃圾分类未落实"
    )
    a = assignment.sample.assessment
    a.refresh_from_db()
    assert a.state == State.RECOMMENDED and a.review_level == "province"
    event = AssessmentEvent.objects.filter(assessment=a).last()
    assert event.action == "site_check_failed" and event.reason == "垃圾分类未落实"


def test_only_the_leader_signs_off_a_complete_checklist(assignment, experts, province_user):
    leader = experts[1]
    with pytest.raises(ServiceError, match="每一条标准"):
        services.inspection_sign_off(user=leader, assignment=assignment, passed=True)
    with pytest.raises(ServiceError):
        services.inspection_sign_off(user=experts[0], assignment=assignment, passed=True)


# --- uploads ------------------------------------------------------------------------------------


def test_upload_is_idempotent_by_device_ids(assignment, experts):
    leader = experts[1]
    inspection, item, photo = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    for _ in range(3):
        result = upload(
            assignment,
            leader,
            inspection=inspection,
            item=item,
            photos=[{"device_id": photo, "file": jpeg()}],
        )
    assert result["photos"] == [str(photo)] and not result["errors"]
    assert InspectionItem.objects.count() == 1
    assert InspectionPhoto.objects.count() == 1


def test_bad_photo_refused_rest_saved(assignment, experts, settings):
    settings.EVIDENCE_MAX_BYTES = 10_000
    big = SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * 20_000)
    text = SimpleUploadedFile("x.jpg", b"%PDF-1.4 not an image")
    result = upload(
        assignment,
        experts[1],
        inspection=uuid.uuid4(),
        photos=[
            {"device_id": uuid.uuid4(), "file": big},
            {"device_id": uuid.uuid4(), "file": text},
            {"device_id": uuid.uuid4(), "file": jpeg()},
        ],
    )
    assert len(result["errors"]) == 2 and len(result["photos"]) == 1
    assert InspectionItem.objects.count() == 1


def test_another_experts_record_is_never_overwritten(assignment, experts, province_user, plan):
    leader = experts[1]
    inspection = uuid.uuid4()
    upload(assignment, leader, inspection=inspection)
    # exp-a joins the group (works elsewhere than 徐汇区) and sends with the leader's ids.
    assignment.group.members.add(experts[0])
    with pytest.raises(ConflictError):
        upload(assignment, experts[0], inspection=inspection)


def test_upload_after_closure_kept_flagged_not_applied(assignment, experts):
    leader = experts[1]
    fill_all(assignment, leader, uuid.uuid4())
    services.inspection_sign_off(user=leader, assignment=assignment, passed=True)
    result = upload(assignment, leader, inspection=uuid.uuid4(), verdict="not_met")
    assert result["late"] is True
    assignment.sample.refresh_from_db()
    assert assignment.sample.state == "passed"


def test_photo_keeps_capture_place_but_the_file_has_none(assignment, experts):
    buf = io.BytesIO()
    image = Image.new("RGB", (32, 24))
    exif = image.getexif()
    gps = {1: "N", 2: (31.0, 12.0, 0.0), 3: "E", 4: (121.0, 26.0, 0.0)}
    exif[0x8825] = gps
    image.save(buf, "JPEG", exif=exif.tobytes())
    upload(
        assignment,
        experts[1],
        inspection=uuid.uuid4(),
        photos=[{"device_id": uuid.uuid4(), "file": SimpleUploadedFile("g.jpg", buf.getvalue())}],
    )
    photo = InspectionPhoto.objects.get()
    assert float(photo.latitude) == pytest.approx(31.2, abs=0.01)
    assert float(photo.longitude) == pytest.approx(121.4333, abs=0.01)
    with photo.file.open("rb") as f, Image.open(f) as stored:
        assert 0x8825 not in stored.getexif()
