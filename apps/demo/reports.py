"""Demo reports (`seed_demo`, after the demo campaign): the Shanghai draft
report and the national snapshot of the campaign year, with their PDFs, so `make run` shows them."""

from apps.core.campaign import campaign_year
from apps.reports import services
from apps.reports.figures import store
from apps.reports.models import NARRATIVE_FIELDS

SHANGHAI = "310000000000"

DEMO_NARRATIVE = {
    "mechanism": "市住房城乡建设管理委员会会同民政、生态环境等部门建立联席会议制度，"
    "各区明确牵头部门，街道和社区居委会落实具体工作，形成市、区、街道、社区四级联动的工作机制。",
    "measures": "结合城镇老旧小区改造、垃圾分类和美丽家园建设，推进社区基础设施绿色化改造；"
    "开展绿色生活宣传进社区活动，组织居民参与社区环境整治。",
    "support": "市、区两级财政安排专项资金支持社区绿色化改造，并将绿色社区创建纳入相关考核。",
    "problems": "部分老旧社区物业管理覆盖率偏低，公共空间改造资金来源单一，居民参与的长效机制有待完善。",
    "plans": "下一年度继续扩大参与范围，重点推进物业管理全覆盖和生活垃圾分类，力争达到创建要求的社区比例明显提高。",
}


def seed(*, accounts, stdout=None) -> None:
    year = campaign_year()
    # Live figures of every campaign year (decisions keep them current from now on).
    store.figures_refresh_all()
    report = services.annual_report_compile(province_code=SHANGHAI, year=year)
    if report.is_editable and not any(getattr(report, n) for n in NARRATIVE_FIELDS):
        report = services.annual_report_update_narrative(
            report=report, user=accounts["province"], data=DEMO_NARRATIVE
        )
    store.national_snapshot_compile(year=year)
    services.annual_report_render_pdf(report_id=report.pk)
    services.national_render_pdf(year=year)
    if stdout is not None:
        stdout.write(f"reports: Shanghai draft report and national snapshot of {year} compiled")
