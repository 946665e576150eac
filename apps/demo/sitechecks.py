"""Demo site checks for `make run`: four communities of 静安区 pass the last level (proposed, with
the four of 长宁区 still in or before the public notice), Shanghai's inspection plan draws half of
each district with a recorded seed, and `demo-expert` (who works in 浦东新区) leads 第一检查组: one
inspection of 静安区 is done and signed off (passed), another one is assigned and open.

Everything goes through the services. Idempotent: nothing is done once Shanghai has a plan."""

import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test.utils import override_settings

from apps.accounts.models import Role
from apps.assessments.models import Assessment
from apps.core.campaign import campaign_year
from apps.sitechecks import selectors, services
from apps.sitechecks.models import Expert, InspectionPlan
from apps.standards.models import Criterion

from .accounts import _account
from .campaign import SHANGHAI, _communities, _drive, _photo

JINGAN = "310106000000"
PUDONG = "310115000000"


def seed_expert():
    user = _account("demo-expert", role=Role.EXPERT, display_name="王建华（专家）")
    Expert.objects.update_or_create(
        user=user,
        defaults={
            "pool_id": SHANGHAI,
            "work_county_id": PUDONG,
            "organisation": "同济大学建筑与城市规划学院",
        },
    )
    return user


def seed(*, accounts, stdout) -> None:
    year = campaign_year()
    province = accounts["province"]
    expert = accounts["expert"]
    if InspectionPlan.objects.filter(province_id=SHANGHAI, year=year).exists():
        stdout.write("Site checks: already seeded")
        return
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        taken = Assessment.objects.filter(year=year, county_id=JINGAN).values_list("community_id", flat=True)
        for i, community in enumerate(_communities(JINGAN, 4, skip=taken)):
            _drive(community, "approved", year=year, accounts=accounts, seed=i + 11)
        plan = services.plan_set(
            user=province,
            province_id=SHANGHAI,
            year=year,
            rule="percent",
            value=50,
            margin="3",
            seed=f"沪{year}现场核查",
        )
        services.sample_draw(user=province, plan=plan)
        colleague, _code = services.expert_create(
            user=province, username="demo-expert-2", display_name="李敏（专家）", work_county="310104"
        )
        group = services.group_create(
            user=province,
            plan=plan,
            name="第一检查组",
            leader_id=expert.pk,
            member_ids=[expert.pk, colleague.pk],
        )
        jingan = [e for e in selectors.current_entries(plan) if e.county_id == JINGAN]
        done = services.assignment_create(user=province, sample=jingan[0], group=group)
        services.assignment_create(user=province, sample=jingan[1], group=group)
        _inspect(done, expert)
        services.inspection_sign_off(
            user=expert, assignment=done, passed=True, conclusion="现场核查与申报材料基本一致，同意进入公示。"
        )
    stdout.write(f"Site checks {year}: sample drawn, demo-expert leads 第一检查组 (1 done, 1 assigned)")


def _inspect(assignment, expert) -> None:
    """The leader's checklist: every criterion conforms, 80 % of its points, one photo on the first."""
    inspection = uuid.uuid4()
    standard_id = assignment.sample.assessment.standard_id
    for criterion in Criterion.objects.filter(standard_id=standard_id).order_by("number"):
        score = f"{criterion.points * 8 / 10:.1f}" if criterion.points is not None else ""
        photos = []
        if criterion.number == 1:
            photo = SimpleUploadedFile("site.jpg", _photo("site-check", "现场核查照片（演示数据）"))
            photos = [{"device_id": uuid.uuid4(), "file": photo}]
        services.item_upload(
            user=expert,
            assignment_pk=assignment.pk,
            inspection_id=inspection,
            item_id=uuid.uuid4(),
            criterion_number=criterion.number,
            verdict="met",
            score=score,
            note="现场查看，符合要求。",
            photo_uploads=photos,
        )
