from django.urls import reverse

from apps.assessments import services


def test_evidence_is_served_only_in_scope(client_for, assessment, community_user, city_user, png_upload, db):
    from apps.accounts.models import Role
    from tests.factories import UserFactory, region

    r = assessment.responses.get(criterion__number=1)
    e = services.evidence_add(response=r, user=community_user, uploaded_file=png_upload("<script>.png"))
    url = reverse("assessments:evidence", args=[e.pk])
    response = client_for(city_user).get(url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "image/png"
    assert "attachment" in response["Content-Disposition"] and "script" not in response["Content-Disposition"]
    assert b"".join(response.streaming_content)[:4] == b"\x89PNG"
    inline = client_for(city_user).get(url + "?inline=1")
    assert inline["Content-Disposition"].startswith("inline")
    assert (
        client_for(city_user).get(reverse("assessments:evidence-thumbnail", args=[e.pk])).status_code == 200
    )
    outsider = UserFactory(username="bj", role=Role.PROVINCE, region=region("11"))
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(reverse("assessments:evidence-thumbnail", args=[e.pk])).status_code == 404
