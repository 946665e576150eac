"""The upkeep: the submit queues the comparison after commit (never inside it); the upload keeps the
photo's capture date before the location is stripped; drafts are never compared."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.assessments import services as assessment_services
from apps.integrity import services
from apps.integrity.models import StatementPrint
from apps.review import submit_services
from tests.assessments.conftest import fill
from tests.factories import AssessmentFactory

from .data import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(community_user, xuhui_community, settings):
    settings.CAMPAIGN_YEAR = 2026
    return AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)


def test_the_submit_queues_the_comparison_after_commit(
    assessment, community_user, django_capture_on_commit_callbacks
):
    fill(assessment, community_user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        submit_services.assessment_submit(assessment=assessment, user=community_user)
    # Nothing was compared inside the submit's transaction.
    assert not StatementPrint.objects.filter(assessment=assessment).exists()
    for callback in callbacks:
        callback()
    assert StatementPrint.objects.filter(assessment=assessment).count() == 16


def test_a_draft_is_never_compared(assessment):
    assert services.assessment_flags_compute(assessment_id=assessment.pk) == {}
    assert not StatementPrint.objects.filter(assessment=assessment).exists()


def test_the_upload_keeps_the_capture_date_and_strips_the_location(assessment, community_user):
    image = Image.open(io.BytesIO(photo_bytes(9, exif_date="2019:05:01 10:00:00")))
    exif = image.getexif()
    exif[0x8825] = {1: "N", 2: (31.0, 12.0, 0.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    response = assessment.responses.get(criterion__number=1)
    evidence = assessment_services.evidence_add(
        response=response,
        user=community_user,
        uploaded_file=SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg"),
    )
    assert evidence.captured_on == date(2019, 5, 1)
    with evidence.file.open("rb") as stored:
        assert 0x8825 not in Image.open(stored).getexif()
