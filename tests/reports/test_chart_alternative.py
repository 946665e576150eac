"""The province report's district chart has a text alternative (issue 20, item 11): an image role
named by what it shows and every figure, even before a district has figures; the ministry's return
and reminder ask first and say what will happen (item 9)."""

import re

import pytest
from django.urls import reverse

from apps.reports import charts, jobs
from apps.reports.models import AnnualReport

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reports.urls")]
SH = "310000000000"


@pytest.fixture
def report(small_world, ministry_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        jobs.compile_job_start(user=ministry_user, kind="year", year=2025)
    return AnnualReport.objects.get(province_id=SH, year=2025)


def chart_names(html: str) -> list[str]:
    return re.findall(r'<svg[^>]*class="chart"[^>]*role="img"[^>]*aria-label="([^"]*)"', html)


def test_a_chart_without_rows_still_has_a_name():
    svg = charts.bar_chart([], target=0.6, label="各区县达到创建要求的比例")
    assert chart_names(svg) == ["各区县达到创建要求的比例"]
    assert "<title>各区县达到创建要求的比例</title>" in svg


def test_the_district_chart_says_what_it_shows_and_every_figure(client, province_user, report):
    client.force_login(province_user)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    names = [n for n in chart_names(html) if n.startswith("各区县达到创建要求的比例")]
    assert len(names) == 1
    # Every district of the table is named in it with its share.
    for county in report.figures["counties"]:
        assert county["name"] in names[0]


def test_the_ministrys_return_and_reminder_ask_first(client, ministry_user, report):
    report.state = "submitted"
    report.save(update_fields=["state"])
    client.force_login(ministry_user)
    html = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    form = re.search(r'<form[^>]*data-testid="return-report"[^>]*>', html).group(0)
    assert 'data-confirm="将报告退回省级部门？"' in form and 'data-confirm-text="reason"' in form
    assert "由其修改后重新提交" in form
    national = client.get(reverse("reports:national", args=[2025])).content.decode()
    remind = re.search(r'<form[^>]*class="remind"[^>]*>', national).group(0)
    assert 'data-confirm="发送催报？"' in remind and "今天已催报过的单位不再重复催报" in remind


def test_the_tile_maps_links_are_each_units_figures_page(client, ministry_user, report):
    """The dashboard writes the 32 tiles' links from one reverse: each is the unit's figures page."""
    from apps.regions.selectors import provincial_units

    client.force_login(ministry_user)
    html = client.get(reverse("reports:national", args=[2025])).content.decode()
    tiles = re.search(r'<svg[^>]*role="group".*?</svg>', html, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', tiles)
    codes = list(provincial_units().values_list("code", flat=True))
    assert links and len(links) == len(codes)
    assert sorted(links) == sorted(reverse("reports:figures_region", args=[2025, code]) for code in codes)
