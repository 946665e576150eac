"""A department sees, in its area, the answers and evidence of the criteria its type checks and no
other; it gives opinions that reviewers read beside the criterion, never a verdict."""

import pytest
from django.test import Client

from apps.assessments.models import Evidence, Response
from apps.core.errors import NotFoundError
from apps.departments import services
from apps.departments.models import OwnedCriterion
from apps.review import submit_services
from tests.assessments.conftest import fill
from tests.review.conftest import assessment  # noqa: F401

from .conftest import dept_type, make_department

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(assessment, community_user, settings):  # noqa: F811
    """Xuhui's assessment, submitted with one PDF per criterion; criterion 11 checked by 公安."""
    settings.CAMPAIGN_YEAR = 2026
    fill(assessment, community_user)
    submitted = submit_services.assessment_submit(assessment=assessment, user=community_user)
    criterion = submitted.responses.get(criterion__number=11).criterion
    OwnedCriterion.objects.create(criterion=criterion, department_type=dept_type("public_security"))
    return submitted


def test_police_sees_only_criterion_11_evidence_in_its_area(filed):
    police = make_department("sh-gongan", "public_security", name="上海市公安局")
    xuhui_police = make_department("xh-gongan", "public_security", place="310104")
    beijing_police = make_department("bj-gongan", "public_security", place="11")
    civil = make_department("sh-minzheng", "civil_affairs")
    total = Evidence.objects.filter(response__assessment=filed).count()
    own = Evidence.objects.filter(response__assessment=filed, response__criterion__number=11).count()
    assert total > own > 0

    for user in (police, xuhui_police):
        visible = Evidence.objects.visible_to(user).filter(response__assessment=filed)
        assert visible.count() == own
        assert set(visible.values_list("response__criterion__number", flat=True)) == {11}
        assert list(
            Response.objects.visible_to(user)
            .filter(assessment=filed)
            .values_list("criterion__number", flat=True)
        ) == [11]
    assert not Evidence.objects.visible_to(beijing_police).filter(response__assessment=filed).exists()
    assert not Evidence.objects.visible_to(civil).filter(response__assessment=filed).exists()

    client = Client()
    client.force_login(police)
    owned = Evidence.objects.filter(response__assessment=filed, response__criterion__number=11).first()
    other = Evidence.objects.filter(response__assessment=filed, response__criterion__number=1).first()
    assert client.get(f"/assessments/evidence/{owned.pk}/").status_code == 200
    assert client.get(f"/assessments/evidence/{other.pk}/").status_code == 404
    page = client.get(f"/departments/assessments/{filed.pk}/")
    assert page.status_code == 200
    assert page.content.decode().count('data-testid="criterion-') == 1
    assert client.get(f"/review/{filed.pk}/").status_code == 403  # never a reviewer

    client.force_login(beijing_police)
    assert client.get(f"/departments/assessments/{filed.pk}/").status_code == 404
    client.force_login(civil)
    assert client.get(f"/departments/assessments/{filed.pk}/").status_code == 404


def test_opinion_reaches_the_review_page_and_is_no_verdict(filed, city_user):
    police = make_department("sh-gongan", "public_security", name="上海市公安局")
    criterion11 = filed.responses.get(criterion__number=11).criterion
    client = Client()
    client.force_login(police)
    empty = client.post(f"/departments/assessments/{filed.pk}/criteria/11/opinion/", {"text": ""})
    assert empty.status_code == 400
    response = client.post(
        f"/departments/assessments/{filed.pk}/criteria/11/opinion/", {"text": "小区监控覆盖率已核实。"}
    )
    assert response.status_code == 302
    with pytest.raises(NotFoundError):
        services.criterion_opinion_add(
            user=police,
            assessment=filed,
            criterion=filed.responses.get(criterion__number=1).criterion,
            text="x",
        )
    assert (
        client.post(f"/departments/assessments/{filed.pk}/criteria/1/opinion/", {"text": "x"}).status_code
        == 404
    )
    before = Response.objects.get(assessment=filed, criterion=criterion11).verdict

    reviewer = Client()
    reviewer.force_login(city_user)
    page = reviewer.get(f"/review/{filed.pk}/").content.decode()
    assert "小区监控覆盖率已核实。" in page
    assert 'data-testid="dept-opinion-11"' in page
    assert Response.objects.get(assessment=filed, criterion=criterion11).verdict == before
