"""The departments' opinion before the public notice: asked, answered or lapsed, objections hold a
community until the province resolves them, late answers are kept and hold nothing."""

import datetime as dt

import pytest

from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.departments import consulting
from apps.departments.models import Answer, Consultation
from apps.naming import naming_act
from apps.naming import services as naming_services
from apps.naming.models import BatchEntry
from apps.naming.procedure import EntryState
from apps.notices.models import Notice

from .conftest import TODAY, dept_type

pytestmark = pytest.mark.django_db


def send(batch, province_user, *codes, deadline=TODAY + dt.timedelta(days=3)):
    return consulting.consultation_send(
        user=province_user,
        batch=batch,
        department_type_ids=[dept_type(c).pk for c in codes],
        deadline=deadline,
    )


def test_the_batch_waits_for_the_departments_then_publishes(
    opinions_procedure, batch, province_user, police, civil, today
):
    with pytest.raises(ConflictError, match="征求"):
        naming_services.batch_publish(user=province_user, batch=batch)
    send(batch, province_user, "public_security", "civil_affairs")
    assert Notice.objects.filter(recipient=police).count() == 1
    with pytest.raises(ConflictError, match="公安"):
        naming_services.batch_publish(user=province_user, batch=batch)

    police_c = Consultation.objects.get(batch=batch, department_type__code="public_security")
    entry = batch.entries.order_by("pk").first()
    consulting.consultation_answer(
        user=police, consultation=police_c, answer=Answer.OBJECTION, objections={entry.pk: "治安防控未达标"}
    )
    assert BatchEntry.objects.get(pk=entry.pk).state == EntryState.HELD

    # Civil affairs stays silent: after the deadline its silence is recorded once.
    today.set(TODAY + dt.timedelta(days=4))
    assert consulting.consultations_lapse() == 1
    assert consulting.consultations_lapse() == 0
    civil_c = Consultation.objects.get(batch=batch, department_type__code="civil_affairs")
    assert civil_c.answer == Answer.LAPSED
    assert consulting.consultation_ready(batch) is not None  # the objection is open
    with pytest.raises(ConflictError, match=entry.assessment.community.name):
        naming_services.batch_publish(user=province_user, batch=batch)

    objection = police_c.objections.get()
    with pytest.raises(ServiceError):
        consulting.objection_resolve(user=province_user, objection=objection, outcome="kept", reason="")
    consulting.objection_resolve(
        user=province_user, objection=objection, outcome="kept", reason="经核查，智能安防已整改到位。"
    )
    assert BatchEntry.objects.get(pk=entry.pk).state == EntryState.LISTED
    today.set(TODAY + dt.timedelta(days=4))
    batch.notice_start = TODAY + dt.timedelta(days=4)
    batch.notice_end = TODAY + dt.timedelta(days=10)
    batch.save(update_fields=["notice_start", "notice_end"])
    published = naming_services.batch_publish(user=province_user, batch=batch)
    assert published.state == "published"


def test_removed_community_leaves_the_batch(opinions_procedure, batch, province_user, police, today):
    (c,) = send(batch, province_user, "public_security")
    entry = batch.entries.order_by("pk").first()
    consulting.consultation_answer(
        user=police, consultation=c, answer="objection", objections={entry.pk: "不符合"}
    )
    consulting.objection_resolve(
        user=province_user, objection=c.objections.get(), outcome="removed", reason="部门意见成立"
    )
    entry.refresh_from_db()
    assert entry.state == EntryState.LEFT
    assert "部门意见成立" in entry.note
    assert consulting.consultation_ready(batch) is None


def test_a_late_answer_is_kept_marked_late_and_holds_nothing(
    opinions_procedure, batch, province_user, police, today
):
    (c,) = send(batch, province_user, "public_security", deadline=TODAY)
    today.set(TODAY + dt.timedelta(days=1))
    assert consulting.consultation_ready(batch) is None  # silence recorded lazily
    entry = batch.entries.order_by("pk").first()
    late = consulting.consultation_answer(
        user=police, consultation=c, answer="objection", objections={entry.pk: "补充意见"}
    )
    assert late.late and late.lapsed_at is not None
    assert late.objections.get().late
    assert BatchEntry.objects.get(pk=entry.pk).state == EntryState.LISTED
    assert consulting.consultation_ready(batch) is None
    with pytest.raises(ConflictError):
        consulting.consultation_answer(user=police, consultation=c, answer="none")


def test_only_the_department_asked_answers_and_never_decides(
    opinions_procedure, batch, province_user, police, civil, today
):
    (c,) = send(batch, province_user, "public_security")
    with pytest.raises(ForbiddenError):
        consulting.consultation_answer(user=civil, consultation=c, answer="none")
    with pytest.raises(ForbiddenError):
        consulting.consultation_answer(user=province_user, consultation=c, answer="none")
    with pytest.raises(ForbiddenError):
        send(batch, police, "civil_affairs")
    entry = batch.entries.order_by("pk").first()
    consulting.consultation_answer(
        user=police, consultation=c, answer="objection", objections={entry.pk: "意见"}
    )
    with pytest.raises(ForbiddenError):
        consulting.objection_resolve(
            user=police, objection=c.objections.get(), outcome="kept", reason="自行处理"
        )


def test_objection_needs_text(opinions_procedure, batch, province_user, police, today):
    (c,) = send(batch, province_user, "public_security")
    with pytest.raises(ServiceError, match="意见"):
        consulting.consultation_answer(user=police, consultation=c, answer="objection")


def test_reminder_once_before_the_deadline(opinions_procedure, batch, province_user, police, today):
    send(batch, province_user, "public_security", deadline=TODAY + dt.timedelta(days=2))
    assert consulting.consultations_remind(on=TODAY) == 1
    assert consulting.consultations_remind(on=TODAY) == 0
    assert Notice.objects.filter(recipient=police).count() == 2


def test_named_batch_notifies_the_departments_once(opinions_procedure, batch, province_user, police, today):
    (c,) = send(batch, province_user, "public_security")
    consulting.consultation_answer(user=police, consultation=c, answer="none")
    naming_services.batch_publish(user=province_user, batch=batch)
    today.set(batch.notice_end + dt.timedelta(days=1))
    naming_act.batch_name(
        user=province_user, batch=batch, document_number="沪建〔2026〕9号", document_date=today.value
    )
    texts = list(Notice.objects.filter(recipient=police).values_list("text", flat=True))
    assert sum("沪建〔2026〕9号" in t for t in texts) == 1
    consulting.named_batches_notify(province_id="310000000000", year=2026)
    assert Notice.objects.filter(recipient=police).count() == len(texts)


def test_a_held_community_taken_out_of_the_draft_keeps_the_objection(
    opinions_procedure, batch, province_user, police, today
):
    (c,) = send(batch, province_user, "public_security")
    entry = batch.entries.order_by("pk").first()
    name = entry.assessment.community.name
    consulting.consultation_answer(
        user=police, consultation=c, answer="objection", objections={entry.pk: "不符合"}
    )
    naming_services.batch_entry_remove(user=province_user, entry=entry)
    objection = c.objections.get()
    assert objection.entry_id is None and objection.community_name == name
    assert consulting.consultation_ready(batch) is None


def test_a_refused_consultation_keeps_what_was_typed(opinions_procedure, batch, province_user, client):
    """No department chosen: the batch page says why and its form still holds the typed deadline."""
    from django.urls import reverse

    client.force_login(province_user)
    response = client.post(
        reverse("departments:consult", kwargs={"pk": batch.pk}), {"deadline": "2026-12-24"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="consult-form"' in page
    assert 'value="2026-12-24"' in page
    assert not Consultation.objects.filter(batch=batch).exists()
    # Shown once: the next visit starts afresh.
    again = client.get(reverse("naming:batch", kwargs={"pk": batch.pk})).content.decode()
    assert 'value="2026-12-24"' not in again
