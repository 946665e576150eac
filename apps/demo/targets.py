"""Demo targets (`seed_demo`, after the demo reports): the ministry's targets of the provincial units
for 2020-2022 and the campaign year, Shanghai's targets for its 16 districts, and 徐汇区's creation
list. Through the services, so the history shows them; idempotent."""

from apps.assessments.models import Assessment
from apps.communities.models import Community
from apps.core.campaign import campaign_year
from apps.regions.models import Region
from apps.targets import services
from apps.targets.models import CreationListEntry, Target
from apps.targets.rules import child_areas

SHANGHAI = "310000000000"
XUHUI = "310104000000"
# The notice: 60 % by 2022; the years before, the steps most provinces set themselves.
MINISTRY_TARGETS = {2020: ("20", "10"), 2021: ("40", "30"), 2022: ("80", "60")}
# Shanghai asks more of its central districts.
CENTRAL = {"310101000000", "310104000000", "310105000000", "310106000000"}


def seed(*, accounts, stdout=None) -> None:
    year = campaign_year()
    ministry, province, city = accounts["ministry"], accounts["province"], accounts["city"]
    wanted = {**MINISTRY_TARGETS, year: ("90", "70")}
    units = list(Region.objects.filter(level="province"))
    for target_year, (participation, meeting) in sorted(wanted.items()):
        have = set(Target.objects.filter(year=target_year).values_list("area_id", flat=True))
        for unit in units:
            if unit.code not in have:
                services.target_set(
                    user=ministry, area=unit, year=target_year, participation=participation, meeting=meeting
                )
    shanghai = Region.objects.get(pk=SHANGHAI)
    have = set(Target.objects.filter(year=year).values_list("area_id", flat=True))
    for district in child_areas(shanghai):
        if district.code not in have:
            services.target_set(
                user=province,
                area=district,
                year=year,
                participation="90",
                meeting="80" if district.code in CENTRAL else "60",
                pilots_per_street="2",
            )
    if not CreationListEntry.objects.filter(year=year, area_id=XUHUI).exists():
        # The communities of 徐汇区 not yet approved: first ones by code, some already taking part.
        approved = Assessment.objects.filter(state="approved").values("community_id")
        codes = list(
            Community.objects.filter(county_id=XUHUI)
            .exclude(code__in=approved)
            .order_by("code")
            .values_list("code", flat=True)[:12]
        )
        if codes:
            services.creation_list_add(user=city, year=year, codes=codes)
    _plan(accounts)
    if stdout is not None:
        stdout.write(
            f"targets: ministry targets 2020-2022 and {year}, Shanghai's 16 districts, 徐汇区's list"
        )


def _plan(accounts) -> None:
    """Shanghai's implementation plan, filed with the ministry and accepted (once)."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.demo.campaign import _pdf
    from apps.targets.models import ImplementationPlan

    if ImplementationPlan.objects.filter(area_id=SHANGHAI).exists():
        return
    plan = services.plan_file(
        user=accounts["province"],
        uploaded_file=SimpleUploadedFile(
            "上海市绿色社区创建行动实施方案.pdf", _pdf("上海市绿色社区创建行动实施方案")
        ),
        document_number="沪建房管联〔2020〕512号",
        issued_on=dt.date(2020, 8, 25),
        co_issuers="市发展改革委、市民政局、市公安局、市生态环境局、市市场监管局",
        period_from=2020,
        period_to=2022,
    )
    services.plan_decide(user=accounts["ministry"], plan=plan, decision="accepted")
