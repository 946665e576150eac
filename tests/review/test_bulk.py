from django.urls import reverse

from apps.assessments.models import Assessment, State
from apps.review import services as review_services

from .conftest import make_assessments

BULK = reverse("review:bulk-approve")


def test_bulk_approval_confirms_then_approves_all(client_for, province_user, recommended):
    others = make_assessments(2, state=State.RECOMMENDED)
    ids = [recommended.pk, *[a.pk for a in others]]
    client = client_for(province_user)
    queue = client.get(reverse("review:queue"), {"state": "recommended", "year": "2026"})
    assert 'name="ids"' in queue.content.decode()
    confirm = client.post(BULK, {"ids": ids})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "确认批量认定" in body and recommended.community.name in body
    assert [a.pk for a in confirm.context["assessments"]] == sorted(ids)
    assert Assessment.objects.filter(pk__in=ids, state=State.RECOMMENDED).count() == 3
    versions = {f"version_{a.pk}": a.version for a in confirm.context["assessments"]}
    done = client.post(BULK, {"ids": ids, "confirm": "1", **versions})
    assert done.status_code == 302
    assert Assessment.objects.filter(pk__in=ids, state=State.APPROVED).count() == 3


def test_bulk_approval_is_all_or_nothing(client_for, province_user, recommended, city_user):
    others = make_assessments(2, state=State.RECOMMENDED)
    ids = [recommended.pk, *[a.pk for a in others]]
    client = client_for(province_user)
    confirm = client.post(BULK, {"ids": ids})
    versions = {f"version_{a.pk}": a.version for a in confirm.context["assessments"]}
    # Meanwhile a colleague returns one of them.
    review_services.assessment_return(assessment=recommended, user=province_user, reason="照片不清晰")
    refused = client.post(BULK, {"ids": ids, "confirm": "1", **versions})
    assert refused.status_code == 409
    assert 'data-testid="bulk-error"' in refused.content.decode()
    assert Assessment.objects.filter(pk__in=ids, state=State.APPROVED).count() == 0


def test_bulk_stale_version_refuses_the_batch(client_for, province_user, recommended):
    others = make_assessments(1, state=State.RECOMMENDED)
    ids = [recommended.pk, others[0].pk]
    client = client_for(province_user)
    data = {"ids": ids, "confirm": "1", f"version_{recommended.pk}": recommended.version - 1}
    data[f"version_{others[0].pk}"] = others[0].version
    assert client.post(BULK, data).status_code == 409
    assert not Assessment.objects.filter(pk__in=ids, state=State.APPROVED).exists()


def test_bulk_scope_and_roles(client_for, province_user, city_user, beijing_province_user, recommended):
    foreign = make_assessments(1, state=State.RECOMMENDED, street_code="110101001")[0]
    client = client_for(province_user)
    assert client.post(BULK, {"ids": [recommended.pk, foreign.pk]}).status_code == 404
    assert client.post(BULK, {"ids": []}).status_code == 302
    assert client_for(beijing_province_user).post(BULK, {"ids": [recommended.pk]}).status_code == 404
    assert client_for(city_user).post(BULK, {"ids": [recommended.pk]}).status_code == 403
    assert client_for(province_user).get(BULK).status_code == 405
    recommended.refresh_from_db()
    assert recommended.state == State.RECOMMENDED
