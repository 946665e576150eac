import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from apps.sitechecks.models import InspectionItem, InspectionPhoto
from tests.review.conftest import png_bytes


def test_offline_upload_is_idempotent_and_scoped(assignment, experts, other_expert, province_user, plan):
    client = APIClient()
    client.force_authenticate(experts[1])
    assert [a["id"] for a in client.get("/api/v1/sitechecks/assignments/").json()["results"]] == [
        assignment.pk
    ]
    url = f"/api/v1/sitechecks/assignments/{assignment.pk}/items/"
    ids = {"inspection": str(uuid.uuid4()), "item": str(uuid.uuid4()), "photo_id": str(uuid.uuid4())}
    for _ in range(2):
        answer = client.post(
            url,
            {**ids, "criterion": 2, "verdict": "met", "photo": SimpleUploadedFile("p.png", png_bytes())},
            format="multipart",
        )
        assert answer.status_code == 200, answer.content
    assert answer.json()["photos"] == [ids["photo_id"]]
    assert InspectionItem.objects.count() == 1 and InspectionPhoto.objects.count() == 1
    client.force_authenticate(other_expert)
    assert client.get(f"/api/v1/sitechecks/assignments/{assignment.pk}/").status_code == 404
    assert client.post(url, {**ids, "criterion": 2, "verdict": "met"}, format="multipart").status_code == 404
    client.force_authenticate(province_user)
    plan_answer = client.get(f"/api/v1/sitechecks/plans/{plan.pk}/").json()
    assert plan_answer["seed"] == "s-2026" and len(plan_answer["sample"]) == 3
