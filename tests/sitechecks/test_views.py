import uuid

from django.urls import reverse

from apps.sitechecks.models import InspectionItem


def test_expert_sees_exactly_its_open_assignments(client_for, assignment, experts, drawn, other_expert):
    leader = experts[1]
    client = client_for(leader)
    page = client.get(reverse("sitechecks:assignment", args=[assignment.pk]))
    assert page.status_code == 200
    assert assignment.sample.assessment.community.name in page.content.decode()
    assert "verdict" in page.content.decode()
    # Nothing else: another community's pages, the registry, the review queue.
    other = drawn.entries.exclude(pk=assignment.sample_id).first().assessment
    assert client.get(reverse("assessments:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("communities:detail", args=[other.community_id])).status_code == 404
    assert client.get(reverse("review:queue")).status_code == 403
    # An expert not in the group: 404.
    client.force_login(other_expert)
    assert client.get(reverse("sitechecks:assignment", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("sitechecks:home")).status_code == 200


def test_closed_assignment_disappears(client_for, assignment, experts):
    from apps.sitechecks import services

    services.conflict_declare(user=experts[1], assignment=assignment, reason="回避")
    client = client_for(experts[1])
    assert client.get(reverse("sitechecks:assignment", args=[assignment.pk])).status_code == 404


def test_checklist_saves_online_and_json_retry_is_idempotent(client_for, assignment, experts):
    client = client_for(experts[1])
    url = reverse("sitechecks:sync", args=[assignment.pk])
    data = {
        "inspection": str(uuid.uuid4()),
        "item": str(uuid.uuid4()),
        "criterion": "3",
        "verdict": "largely_met",
        "note": "基本到位",
    }
    first = client.post(url, data, HTTP_ACCEPT="application/json")
    second = client.post(url, data, HTTP_ACCEPT="application/json")
    assert first.status_code == second.status_code == 200
    assert InspectionItem.objects.get().note == "基本到位"
    bad = client.post(url, {**data, "verdict": ""}, HTTP_ACCEPT="application/json")
    assert bad.status_code == 400 and "符合" in bad.json()["error"]
    page = client.get(reverse("sitechecks:assignment", args=[assignment.pk])).content.decode()
    assert "基本到位" in page


def test_province_plan_page_and_figures(client_for, province_user, drawn, plan, beijing_province_user):
    client = client_for(province_user)
    page = client.get(reverse("sitechecks:plan") + "?year=2026")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="sample-row"') == len(drawn.codes)
    report = client.get(reverse("sitechecks:report", args=[plan.pk]))
    assert report.status_code == 200
    client.force_login(beijing_province_user)
    assert client.get(reverse("sitechecks:report", args=[plan.pk])).status_code == 404


def test_review_page_and_queue_show_the_site_total_beside_the_confirmed(
    client_for, assignment, experts, province_user
):
    from decimal import Decimal

    from apps.sitechecks import services

    leader = experts[1]
    for n in range(1, 17):
        services.item_upload(
            user=leader,
            assignment_pk=assignment.pk,
            inspection_id="7f1d2c3b-0000-4000-8000-000000000001",
            item_id=uuid.uuid4(),
            criterion_number=n,
            verdict="met",
        )
    # Failed: back at the province's level, where the queue lists it with its site total.
    services.inspection_sign_off(user=leader, assignment=assignment, passed=False, conclusion="不通过")
    sample = assignment.sample
    sample.refresh_from_db()
    sample.site_total = Decimal("72.50")
    sample.save(update_fields=["site_total"])
    assessment = sample.assessment
    assessment.confirmed_total = Decimal("85.00")
    assessment.save(update_fields=["confirmed_total"])
    client = client_for(province_user)
    body = client.get(reverse("review:detail", args=[assessment.pk])).content.decode()
    assert 'data-testid="site-total">72.50<' in body and "85.00" in body
    queue = client.get(reverse("review:queue")).content.decode()
    assert 'data-testid="queue-site-total"' in queue and "72.50" in queue
