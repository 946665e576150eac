import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from apps.assessments.models import Assessment, AssessmentEvent, State
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.naming import naming_act, objections, services
from apps.naming.models import Batch, BatchEntry, NamingProcedure, Objection
from apps.naming.procedure import BatchState, EntryState, notice_end
from apps.review import services as review_services
from tests.assessments.conftest import PDF_BYTES, png_bytes

from .conftest import SHANGHAI, TODAY

pytestmark = pytest.mark.django_db


def object_(batch, assessment, **kw):
    values = {"text": "该社区垃圾分类未全覆盖。", "name": "张三", "phone": "13812345678"}
    values.update(kw)
    return objections.objection_submit(batch=batch, assessment_id=assessment.pk, **values)


# --- The procedure --------------------------------------------------------------------------


def test_without_a_procedure_the_last_level_approves_as_before(recommended, province_user):
    approved = review_services.assessment_approve(assessment=recommended, user=province_user)
    assert approved.state == State.APPROVED and approved.approved_at is not None


def test_with_a_procedure_the_last_level_proposes(procedure, recommended, province_user):
    proposed = review_services.assessment_approve(assessment=recommended, user=province_user)
    assert proposed.state == State.PROPOSED
    assert proposed.approved_at is None and proposed.proposed_at is not None
    assert proposed.events.filter(action="proposed").exists()


def test_another_year_keeps_approval(procedure, recommended, province_user):
    NamingProcedure.objects.filter(pk=procedure.pk).update(year=2025)
    assert (
        review_services.assessment_approve(assessment=recommended, user=province_user).state == State.APPROVED
    )


def test_procedure_is_refused_for_another_province_and_for_bad_days(province_user, beijing_province_user):
    with pytest.raises(ForbiddenError):
        services.naming_procedure_set(
            user=beijing_province_user,
            province_id=SHANGHAI,
            year=2026,
            notice_days=7,
            day_kind="calendar",
            namer="province",
        )
    with pytest.raises(ServiceError) as exc:
        services.naming_procedure_set(
            user=province_user,
            province_id=SHANGHAI,
            year=2026,
            notice_days=2,
            day_kind="calendar",
            namer="province",
        )
    assert exc.value.field == "notice_days"
    assert not NamingProcedure.objects.exists()


def test_procedure_is_frozen_once_a_batch_is_published(published, province_user):
    with pytest.raises(ConflictError):
        services.naming_procedure_set(
            user=province_user,
            province_id=SHANGHAI,
            year=2026,
            notice_days=10,
            day_kind="working",
            namer="province",
        )
    assert NamingProcedure.objects.get().notice_days == 7


def test_working_days_skip_weekends():
    # Friday 2026-12-04 + 7 working days: Fri, Mon..Fri, Mon = 2026-12-14.
    assert notice_end(dt.date(2026, 12, 4), 7, "working") == dt.date(2026, 12, 14)
    assert notice_end(dt.date(2026, 12, 4), 7, "calendar") == dt.date(2026, 12, 10)


# --- Batches ----------------------------------------------------------------------------------


def test_batch_is_numbered_and_its_notice_ends_after_the_procedures_days(batch):
    assert batch.number == 1 and batch.state == BatchState.DRAFT
    assert batch.notice_end == TODAY + dt.timedelta(days=6)
    assert batch.entries.count() == 5


def test_a_revoked_community_cannot_be_put_into_a_batch(proposed_many, province_user, today):
    Assessment.objects.filter(pk=proposed_many[0].pk).update(state=State.REVOKED)
    with pytest.raises(ServiceError) as exc:
        services.batch_create(
            user=province_user,
            province_id=SHANGHAI,
            year=2026,
            title="t",
            notice_start=TODAY,
            assessment_ids=[proposed_many[0].pk],
        )
    assert exc.value.code == "not_proposed"
    assert not Batch.objects.exists()


def test_an_assessment_is_in_one_open_batch_only(batch, proposed_many, province_user):
    with pytest.raises(ConflictError):
        services.batch_create(
            user=province_user,
            province_id=SHANGHAI,
            year=2026,
            title="t",
            notice_start=TODAY,
            assessment_ids=[proposed_many[0].pk],
        )


def test_a_community_retired_during_the_notice_leaves_the_batch_with_a_note(
    published, proposed_many, province_user, today
):
    community = proposed_many[0].community
    community.retired_on = TODAY + dt.timedelta(days=2)
    community.retirement = "merged"
    community.save(update_fields=["retired_on", "retirement"])
    today.set(TODAY + dt.timedelta(days=10))
    naming_act.batch_name(
        user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
    )
    entry = BatchEntry.objects.get(assessment=proposed_many[0])
    assert entry.state == EntryState.LEFT and "2026-12-03" in entry.note
    assert Assessment.objects.get(pk=proposed_many[0].pk).state == State.PROPOSED


# --- Objections ---------------------------------------------------------------------------


def test_public_objection_holds_the_community_and_encrypts_the_contact(published, proposed_many):
    objection = object_(published, proposed_many[0], name="李四", phone="021-64871234")
    assert BatchEntry.objects.get(assessment=proposed_many[0]).state == EntryState.HELD
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT objector_name, objector_phone FROM naming_objection WHERE id = %s", [objection.pk]
        )
        raw = " ".join(cursor.fetchone())
    assert "李四" not in raw and "64871234" not in raw
    again = Objection.objects.get(pk=objection.pk)
    assert (again.objector_name, again.objector_phone) == ("李四", "021-64871234")
    # The assessment's history notes the objection, never the objector.
    event = AssessmentEvent.objects.filter(assessment=proposed_many[0], action="objection").get()
    assert "李四" not in str(event.data) and event.actor is None


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"text": "  "}, "text"),
        ({"phone": "12345"}, "phone"),
        ({"name": ""}, "name"),
        (
            {
                "uploads": [
                    SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a photo", content_type="image/jpeg")
                ]
            },
            "files",
        ),
    ],
)
def test_bad_objection_is_refused_and_nothing_is_stored(published, proposed_many, kw, field):
    with pytest.raises(ServiceError) as exc:
        object_(published, proposed_many[0], **kw)
    assert exc.value.field == field
    assert not Objection.objects.exists()
    assert BatchEntry.objects.get(assessment=proposed_many[0]).state == EntryState.LISTED


def test_oversized_file_is_refused(published, proposed_many, settings):
    settings.EVIDENCE_MAX_BYTES = 10
    with pytest.raises(ServiceError) as exc:
        object_(published, proposed_many[0], uploads=[SimpleUploadedFile("a.pdf", PDF_BYTES)])
    assert exc.value.status == 413 and not Objection.objects.exists()


def test_objection_with_files(published, proposed_many):
    objection = object_(
        published,
        proposed_many[0],
        uploads=[SimpleUploadedFile("a.pdf", PDF_BYTES), SimpleUploadedFile("b.png", png_bytes())],
    )
    assert sorted(objection.files.values_list("kind", flat=True)) == ["pdf", "png"]


def test_public_objection_after_the_period_is_refused_with_the_closing_date(published, proposed_many, today):
    today.set(published.notice_end + dt.timedelta(days=1))
    with pytest.raises(ConflictError) as exc:
        object_(published, proposed_many[0])
    assert str(published.notice_end) in str(exc.value.message)
    # Staff may still enter a letter received in time.
    staff = object_(published, proposed_many[0], source="letter", user=published.created_by)
    assert staff.source == "letter"


def test_dismissed_objection_lists_the_community_again(published, proposed_many, province_user):
    objection = object_(published, proposed_many[0])
    objections.objection_resolve(
        user=province_user, objection=objection, outcome="dismissed", reason="经核查，已全覆盖。"
    )
    assert BatchEntry.objects.get(assessment=proposed_many[0]).state == EntryState.LISTED


def test_upheld_objection_sends_the_assessment_back_with_the_objection_on_its_criterion(
    procedure, recommended, province_user, today
):
    proposed = review_services.assessment_approve(assessment=recommended, user=province_user)
    batch = services.batch_create(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        title="t",
        notice_start=TODAY,
        assessment_ids=[proposed.pk],
    )
    services.batch_publish(user=province_user, batch=batch)
    objection = object_(batch, proposed, criterion_number=5)
    objections.objection_resolve(
        user=province_user, objection=objection, outcome="upheld", reason="情况属实。", to_level="county"
    )
    proposed.refresh_from_db()
    assert (proposed.state, proposed.review_level) == (State.SUBMITTED, "county")
    response = proposed.responses.get(criterion__number=5)
    assert "垃圾分类未全覆盖" in response.review_comment and response.verdict == "not_confirmed"
    assert BatchEntry.objects.get(assessment=proposed).state == EntryState.LEFT
    with pytest.raises(ConflictError):
        objections.objection_resolve(user=province_user, objection=objection, outcome="dismissed", reason="x")


# --- Naming ---------------------------------------------------------------------------------


def test_nothing_is_named_while_the_notice_runs(published, province_user, today):
    today.set(published.notice_end)
    with pytest.raises(ConflictError) as exc:
        naming_act.batch_name(
            user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
        )
    assert str(published.notice_end) in str(exc.value.message)
    assert not Assessment.objects.filter(state=State.APPROVED).exists()


def test_naming_names_listed_and_keeps_held_out(published, proposed_many, province_user, today):
    object_(published, proposed_many[0])
    today.set(published.notice_end + dt.timedelta(days=1))
    named = naming_act.batch_name(
        user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
    )
    assert named.state == BatchState.NAMED and named.document_number == "沪建〔2026〕1号"
    states = dict(Assessment.objects.filter(pk__in=[a.pk for a in proposed_many]).values_list("pk", "state"))
    assert states[proposed_many[0].pk] == State.PROPOSED
    assert [states[a.pk] for a in proposed_many[1:]] == [State.APPROVED] * 4
    assert Assessment.objects.filter(state=State.APPROVED, approved_at=named.named_at).count() == 4
    assert BatchEntry.objects.get(assessment=proposed_many[0]).state == EntryState.LEFT
    # Not twice.
    with pytest.raises(ConflictError) as exc:
        naming_act.batch_name(
            user=province_user, batch=published, document_number="x", document_date=today.value
        )
    assert exc.value.code == "already_named"
    # A named community can be revoked as an approved one.
    revoked = review_services.assessment_revoke(
        assessment=proposed_many[1], user=province_user, reason="复查不合格"
    )
    assert revoked.state == State.REVOKED


def test_naming_is_all_or_nothing(published, proposed_many, province_user, today):
    # One assessment changed state behind the batch's back: nothing at all is named.
    Assessment.objects.filter(pk=proposed_many[3].pk).update(state=State.SUBMITTED)
    today.set(published.notice_end + dt.timedelta(days=1))
    with pytest.raises(ConflictError):
        naming_act.batch_name(
            user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
        )
    assert not Assessment.objects.filter(state=State.APPROVED).exists()
    assert Batch.objects.get().state == BatchState.PUBLISHED
    assert not BatchEntry.objects.filter(state=EntryState.NAMED).exists()


def test_only_the_province_names(published, city_user, beijing_province_user, today):
    today.set(published.notice_end + dt.timedelta(days=1))
    for user in (city_user, beijing_province_user):
        with pytest.raises((ForbiddenError, services.NotFoundError)):
            naming_act.batch_name(user=user, batch=published, document_number="x", document_date=today.value)


def test_contacts_are_erased_after_the_set_period(published, proposed_many, province_user, today, settings):
    objection = object_(published, proposed_many[0])
    today.set(published.notice_end + dt.timedelta(days=1))
    naming_act.batch_name(
        user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
    )
    from django.utils import timezone

    assert objections.objection_contacts_erase() == 0
    later = timezone.now() + dt.timedelta(days=settings.OBJECTION_CONTACT_DAYS + 1)
    assert objections.objection_contacts_erase(now=later) == 1
    erased = Objection.objects.get(pk=objection.pk)
    assert erased.objector_name == "" and erased.objector_phone == "" and erased.contact_erased_at
    assert objections.objection_contacts_erase(now=later) == 0


def test_the_erasure_runs_daily_from_beat(published):
    from django_celery_beat.models import PeriodicTask

    from apps.naming.tasks import erase_objection_contacts

    assert PeriodicTask.objects.filter(task="naming.erase_objection_contacts", enabled=True).exists()
    assert erase_objection_contacts.apply().get() == 0


def test_the_naming_keeps_every_history_chain_intact(published, proposed_many, province_user, today):
    import io

    from django.core.management import call_command

    today.set(published.notice_end + dt.timedelta(days=1))
    naming_act.batch_name(
        user=province_user, batch=published, document_number="沪建〔2026〕1号", document_date=today.value
    )
    assert AssessmentEvent.objects.filter(action="named").count() == 5
    call_command("verify_history", stdout=io.StringIO())
