import pytest

from apps.residents import services, sms
from tests.review.conftest import (  # noqa: F401
    approved,
    assessment,
    beijing_province_user,
    recommended,
    submitted,
)

SHANGHAI = "310000000000"


@pytest.fixture(autouse=True)
def _year_and_outbox(settings):
    settings.CAMPAIGN_YEAR = 2026
    sms.outbox.clear()


@pytest.fixture
def survey(province_user):
    return services.survey_set(
        user=province_user,
        province_id=SHANGHAI,
        year=2026,
        questions=["环境满意吗？", "设施满意吗？", "活动满意吗？"],
        sms_required=False,
        gate_share_percent=80,
        gate_min_answers=3,
    )


def answer(survey, community, device: str, ratings, comment: str = "", phone_hash: str = ""):
    return services.answer_submit(
        survey=survey,
        community=community,
        device_hash=f"device-{device}",
        ratings=ratings,
        comment=comment,
        phone_hash=phone_hash,
    )
