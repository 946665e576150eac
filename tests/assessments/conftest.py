import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.review import submit_services
from tests.assessments.factories import PDF_BYTES, answer_all
from tests.factories import AssessmentFactory


def png_bytes(size=(40, 30), color=(30, 120, 70)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture
def png_upload():
    return lambda name="photo.png": SimpleUploadedFile(name, png_bytes(), content_type="image/png")


@pytest.fixture
def pdf_upload():
    return lambda name="minutes.pdf": SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


@pytest.fixture
def assessment(community_user, xuhui_community):
    return AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)


def fill(assessment, user, *, evidence=True):
    """Answer all 16 criteria as met, with one PDF each: a submittable assessment."""
    return answer_all(assessment, user, evidence=evidence)


@pytest.fixture
def filled(assessment, community_user):
    return fill(assessment, community_user)


@pytest.fixture
def submitted(filled, community_user):
    return submit_services.assessment_submit(assessment=filled, user=community_user)
