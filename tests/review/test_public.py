from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.assessments.models import State
from apps.review import services as review_services

from .conftest import make_assessments


def public(code="31", year=2026):
    return reverse("public:province", args=[code, year])


def test_public_page_lists_approved_and_demonstrations_without_login(
    client, approved, province_user, settings
):
    settings.CAMPAIGN_YEAR = 2026
    review_services.demonstration_designate(
        assessment=approved, user=province_user, citation="垃圾分类成效显著"
    )
    revoked = make_assessments(1, state=State.REVOKED, start=300)[0]
    draft = make_assessments(1, state=State.DRAFT, start=400)[0]
    client.logout()
    response = client.get(public())
    assert response.status_code == 200
    body = response.content.decode()
    assert approved.community.name in body and "垃圾分类成效显著" in body
    assert revoked.community.name not in body and draft.community.name not in body
    # Public facts only: no statements, no evidence links.
    assert "已完成整治" not in body and "/assessments/evidence/" not in body
    assert "示范社区" in body and "达到创建要求" in body
    index = client.get(reverse("public:index"))
    assert index.status_code == 200 and "上海市" in index.content.decode()
    assert "新疆生产建设兵团" in index.content.decode()


def test_revoked_demonstration_disappears(client, approved, province_user, settings):
    settings.CAMPAIGN_YEAR = 2026
    review_services.demonstration_designate(assessment=approved, user=province_user, citation="示范")
    review_services.assessment_revoke(assessment=approved, user=province_user, reason="复查不合格")
    body = client.get(public()).content.decode()
    assert approved.community.name not in body


def test_public_page_query_count_and_bad_urls(client, db, settings):
    settings.CAMPAIGN_YEAR = 2026
    make_assessments(3, state=State.APPROVED)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(public()).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    make_assessments(150, state=State.APPROVED, start=100)
    assert count() == few <= 6
    assert client.get(public("99")).status_code == 404
    assert client.get(public("31", 2019)).status_code == 404
    assert client.get(public("31", 2031)).status_code == 404
    assert client.get("/public/310104/2026/").status_code == 404  # a county is no provincial unit
