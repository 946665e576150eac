"""A local standard's thresholds, units and evidence rule are what validate_answer and
assessment_missing check (the one place an answer is checked)."""

from decimal import Decimal

import pytest

from apps.assessments import services as assessment_services
from apps.core.errors import ServiceError
from apps.standards import editing, services
from apps.standards.selectors import national_standard
from tests.factories import AssessmentFactory, region

from .builders import criterion, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(province_user, community_user, xuhui_community):
    """Shanghai's standard: criterion 12 needs 50 %, criterion 7 needs no evidence."""
    draft = services.standard_draft_start(
        user=province_user, province=region("31"), year=2026, source=national_standard()
    )
    twelve, seven = criterion(draft, 12), criterion(draft, 7)
    editing.standard_update(
        standard=draft,
        user=province_user,
        data={},
        criteria={
            twelve.pk: row(
                twelve,
                threshold=Decimal(50),
                text_zh="物业管理覆盖面不低于50%",
                text_en="Property-management coverage is at least 50%",
            ),
            seven.pk: row(seven, requires_evidence=False),
        },
    )
    services.standard_publish(standard=draft, user=province_user)
    return AssessmentFactory(community=xuhui_community, year=2026, user=community_user, answered=False)


def _response(assessment, number):
    return assessment.responses.select_related("criterion", "assessment").get(criterion__number=number)


def test_the_local_threshold_is_checked(assessment, community_user):
    r12 = _response(assessment, 12)
    with pytest.raises(ServiceError) as exc:
        assessment_services.response_save(
            response=r12, user=community_user, rating="met", statement="已覆盖。", figure="40"
        )
    assert exc.value.message == "物业管理覆盖率为40%，自评“达到”须至少为50%。"
    assessment_services.response_save(
        response=r12, user=community_user, rating="met", statement="已覆盖。", figure="55"
    )


def test_a_figure_outside_its_unit_is_refused(assessment):
    r12 = _response(assessment, 12)
    with pytest.raises(ServiceError) as exc:
        assessment_services.validate_answer(r12.criterion, "met", "已覆盖。", Decimal(120))
    assert exc.value.field == "figure" and "0至100%之间" in exc.value.message


def test_evidence_only_where_the_standard_requires_it(assessment, community_user):
    for number in (7, 8):
        assessment_services.response_save(
            response=_response(assessment, number), user=community_user, rating="met", statement="已完成。"
        )
    missing = assessment_services.assessment_missing(assessment)
    about = {n: [line for line in missing if line.startswith(f"第{n}条")] for n in (7, 8)}
    assert about[7] == []  # answered, and its evidence is optional
    assert len(about[8]) == 1 and "佐证" in about[8][0]
