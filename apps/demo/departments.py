"""Demo departments for `make run`: `demo-dept` (上海市公安局, public security at Shanghai's level)
checks criterion 11 (smart security) of Shanghai's standard of the campaign year; a third batch of
the year, still a draft, holds the community proposed outside a batch and was sent to 公安 (which
answered 无意见) and to 民政 (whose answer is pending). Idempotent."""

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings

from apps.accounts.models import Role
from apps.assessments.models import State
from apps.core.campaign import campaign_year
from apps.departments import consulting
from apps.departments.models import Consultation, DepartmentProfile, DepartmentType, OwnedCriterion
from apps.naming import services as naming_services
from apps.naming.models import Batch, BatchEntry
from apps.naming.procedure import ACTIVE_ENTRY_STATES
from apps.regions.models import Region
from apps.standards import selectors as standard_selectors

from .accounts import _account
from .campaign import SHANGHAI


def seed(*, accounts, stdout) -> None:
    year = campaign_year()
    shanghai = Region.objects.get(pk=SHANGHAI)
    police_type = DepartmentType.objects.get(code="public_security", province__isnull=True)
    civil_type = DepartmentType.objects.get(code="civil_affairs", province__isnull=True)
    dept = _account("demo-dept", role=Role.DEPARTMENT, display_name="上海市公安局", region=shanghai)
    DepartmentProfile.objects.update_or_create(user=dept, defaults={"department_type": police_type})
    accounts["dept"] = dept
    standard = standard_selectors.standard_for(province=shanghai, year=year)
    criterion = standard.criteria.filter(number=11).first()
    if criterion is not None and not standard.is_national:
        OwnedCriterion.objects.update_or_create(
            criterion=criterion, defaults={"department_type": police_type, "set_by": accounts["province"]}
        )
    if Consultation.objects.filter(batch__province_id=SHANGHAI, batch__year=year).exists():
        stdout.write("Departments: already seeded")
        return
    batched = BatchEntry.objects.filter(state__in=ACTIVE_ENTRY_STATES).values("assessment_id")
    from apps.assessments.models import Assessment

    free = list(
        Assessment.objects.filter(province_id=SHANGHAI, year=year, state=State.PROPOSED)
        .exclude(pk__in=batched)
        .values_list("pk", flat=True)[:1]
    )
    if not free:
        stdout.write("Departments: no proposed community outside a batch, no consultation seeded")
        return
    province = accounts["province"]
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        today = consulting.today()
        batch = naming_services.batch_create(
            user=province,
            province_id=SHANGHAI,
            year=year,
            title=f"上海市{year}年第三批绿色社区拟认定名单",
            notice_start=today + dt.timedelta(days=14),
            assessment_ids=free,
        )
        sent = consulting.consultation_send(
            user=province,
            batch=batch,
            department_type_ids=[police_type.pk, civil_type.pk],
            deadline=today + dt.timedelta(days=7),
        )
        police = next(c for c in sent if c.department_type_id == police_type.pk)
        consulting.consultation_answer(
            user=dept,
            consultation=police,
            answer="none",
            text="经核查，名单内社区治安防控设施运行正常，无意见。",
        )
    stdout.write(
        f"Departments: demo-dept (上海市公安局) checks criterion 11; {Batch.objects.get(pk=batch.pk).title} "
        "sent to 公安 (answered) and 民政 (pending)"
    )
