"""Demo residents' voice for `make run`: Shanghai sets the campaign year's survey (the default
questions, one per theme of the standard) with a gate of 80 % satisfied and at least 30 answers,
and the demo community has 40 answers (a few comments, one with a phone number that staff see
masked). Its QR poster is made on demand (/residents/posters/<code>.pdf, or a district's at once).

Everything goes through the services, seeded after the naming so that the demo's earlier approvals
are not asked for residents' answers. Idempotent: nothing is done once the community has answers."""

from apps.core.campaign import campaign_year
from apps.residents import selectors, services
from apps.residents.models import Answer
from apps.residents.privacy import device_hash

from .campaign import SHANGHAI

ANSWERS = 40
COMMENTS = {
    3: "垃圾分类点位比以前干净多了，希望晚上也能开放。",
    11: "楼道堆物还是有，请物业再管一管。联系我 13812345678",
    19: "社区花园很好，孩子们都喜欢。",
    27: "停车还是很难，希望增加车位。",
    35: "希望多组织一些节能环保的活动。",
}


def seed(*, accounts, stdout) -> None:
    year = campaign_year()
    community = accounts["community"].community
    if Answer.objects.filter(community=community, year=year).exists():
        stdout.write("Residents: already seeded")
        return
    survey = selectors.survey_for(province_id=SHANGHAI, year=year) or services.survey_set(
        user=accounts["province"],
        province_id=SHANGHAI,
        year=year,
        questions=selectors.default_questions(),
        sms_required=False,
        gate_share_percent=80,
        gate_min_answers=30,
    )
    n = len(survey.questions)
    for i in range(ANSWERS):
        # Mostly 4 and 5, a few 3 and 2: about 85 % satisfied, the gate met.
        ratings = [5 if (i + q) % 3 == 0 else 4 if (i + q) % 7 else (3 if i % 2 else 2) for q in range(n)]
        services.answer_submit(
            survey=survey,
            community=community,
            device_hash=device_hash(f"demo-device-{year}-{i}"),
            ratings=ratings,
            comment=COMMENTS.get(i, ""),
        )
    result = selectors.results(community_id=community.code, year=year, survey=survey)
    stdout.write(
        f"Residents: {result.answers} answers for {community.name}, {result.share:.1f} % satisfied "
        f"(Shanghai's gate: {survey.gate_share_percent} % with {survey.gate_min_answers} answers)"
    )
