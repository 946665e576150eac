"""verify_evidence and verify_history find tampering."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from apps.assessments import services
from apps.assessments.models import AssessmentEvent, Evidence
from apps.review import services as review_services


def run(command) -> tuple[bool, str]:
    out = io.StringIO()
    try:
        call_command(command, stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


def test_verify_evidence_passes_on_untouched_files(submitted):
    ok, out = run("verify_evidence")
    assert ok, out
    assert "16 evidence files checked: 0 mismatched, 0 missing." in out


def test_verify_evidence_reports_a_tampered_and_a_missing_file(submitted):
    first, second, *_rest = Evidence.objects.order_by("id")
    path = first.file.path
    with open(path, "r+b") as handle:  # one byte changed on disk
        data = handle.read()
        handle.seek(len(data) - 2)
        handle.write(b"X")
    second.file.storage.delete(second.file.name)
    ok, out = run("verify_evidence")
    assert not ok
    assert f"MISMATCH evidence {first.pk}" in out
    assert f"MISSING  evidence {second.pk}" in out
    assert "1 mismatched, 1 missing" in out


def test_verify_evidence_streams_large_files(assessment, community_user, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A 3 MB PDF (larger than one read chunk) verifies too.
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    response = assessment.responses.get(criterion__number=2)
    services.evidence_add(
        response=response, user=community_user, uploaded_file=SimpleUploadedFile("big.pdf", big)
    )
    ok, out = run("verify_evidence")
    assert ok, out


def test_verify_history_passes_on_an_untouched_chain(submitted, city_user):
    review_services.assessment_recommend(assessment=submitted, user=city_user)
    ok, out = run("verify_history")
    assert ok, out
    assert "1 assessment histories checked: 0 broken." in out


def test_verify_history_detects_a_row_changed_by_raw_sql(submitted, city_user):
    review_services.assessment_return(assessment=submitted, user=city_user, reason="照片不清晰")
    event = AssessmentEvent.objects.get(assessment=submitted, action="returned")
    table = AssessmentEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET reason = %s WHERE id = %s", ["一切正常", event.pk])  # noqa: S608
    ok, out = run("verify_history")
    assert not ok
    assert f"event {event.pk}: content does not match its hash (changed)" in out
    assert "1 broken" in out


def test_verify_history_detects_a_deleted_row(submitted):
    events = list(AssessmentEvent.objects.filter(assessment=submitted).order_by("at", "id"))
    middle = events[len(events) // 2]
    table = AssessmentEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [middle.pk])  # noqa: S608
    ok, out = run("verify_history")
    assert not ok
    assert "prev_hash does not link to the previous entry" in out


def test_history_cannot_be_changed_through_the_orm(submitted):
    from django.core.exceptions import PermissionDenied

    event = AssessmentEvent.objects.filter(assessment=submitted).first()
    with pytest.raises(PermissionDenied):
        AssessmentEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
