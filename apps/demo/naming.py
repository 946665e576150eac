"""Demo naming for `make run`: Shanghai adopts a naming procedure for the campaign year after the
demo campaign (so the approvals seeded before it stay namings, as the rule for earlier approvals
says). Seven communities of 长宁区 pass the last level and are proposed: three are named in the
first batch (第一批, with its public notice and naming notice), three are in the public notice of
the second batch (one objection from the public, one received by letter and entered by staff), and
one is proposed outside any batch.

Everything goes through the services; only the first batch's notice dates are moved into the past
(a demo cannot wait seven days). Idempotent: nothing is done once Shanghai has a batch of the year.
"""

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from apps.core.campaign import campaign_year
from apps.naming import naming_act
from apps.naming import objections as naming_objections
from apps.naming import services as naming_services
from apps.naming.models import Batch, NamingProcedure

from .campaign import SHANGHAI, _communities, _drive

CHANGNING = "310105000000"


def seed(*, accounts, stdout) -> None:
    year = campaign_year()
    province = accounts["province"]
    if Batch.objects.filter(province_id=SHANGHAI, year=year).exists():
        stdout.write("Naming: already seeded")
        return
    with (
        override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
        transaction.atomic(),
    ):
        if not NamingProcedure.objects.filter(province_id=SHANGHAI, year=year).exists():
            naming_services.naming_procedure_set(
                user=province,
                province_id=SHANGHAI,
                year=year,
                notice_days=7,
                day_kind="calendar",
                namer="province",
                issuing_body="上海市住房和城乡建设管理委员会",
            )
        communities = _communities(CHANGNING, 7)
        for i, community in enumerate(communities):
            _drive(community, "approved", year=year, accounts=accounts, seed=i + 3)
        proposed = [c.assessments.get(year=year) for c in communities]
        today = timezone.localdate()

        first = naming_services.batch_create(
            user=province,
            province_id=SHANGHAI,
            year=year,
            title=f"上海市{year}年第一批绿色社区拟认定名单",
            notice_start=today,
            assessment_ids=[a.pk for a in proposed[:3]],
        )
        first = naming_services.batch_publish(user=province, batch=first)
        # The demo's only shortcut: the first notice ran two weeks ago.
        start = today - dt.timedelta(days=14)
        Batch.objects.filter(pk=first.pk).update(
            notice_start=start,
            notice_end=start + dt.timedelta(days=6),
            notice_document_number=f"沪建管〔{year}〕公示1号",
        )
        first.refresh_from_db()
        naming_act.batch_name(
            user=province,
            batch=first,
            document_number=f"沪建管〔{year}〕88号",
            document_date=start + dt.timedelta(days=9),
        )

        second = naming_services.batch_create(
            user=province,
            province_id=SHANGHAI,
            year=year,
            title=f"上海市{year}年第二批绿色社区拟认定名单",
            notice_start=today,
            assessment_ids=[a.pk for a in proposed[3:6]],
        )
        second = naming_services.batch_publish(user=province, batch=second)
        naming_objections.objection_submit(
            batch=second,
            assessment_id=proposed[3].pk,
            criterion_number=5,
            text="小区东门垃圾箱房仍未实行定时定点投放，分类桶混投现象明显，与公示材料不符。",
            name="陈明",
            phone="13916001234",
        )
        naming_objections.objection_submit(
            batch=second,
            assessment_id=proposed[4].pk,
            text="来信反映：社区节能改造项目尚未完工，请予核实。",
            name="刘建国",
            phone="021-62510000",
            source="letter",
            user=province,
        )
    stdout.write(
        f"Naming {year}: batch 1 named ({len(proposed[:3])}), batch 2 in public notice ({len(proposed[3:6])}, "
        f"2 objections), 1 proposed outside a batch"
    )
