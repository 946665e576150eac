"""Deadlines where something is due: the date, the days left or 已逾期 N 天, on a fixed date
(apps.core.campaign.today patched); late submissions of communities and provinces are marked."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core import campaign
from apps.reports.models import AnnualReport
from tests.assessments.factories import AssessmentRowFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def on(monkeypatch, settings):
    settings.CAMPAIGN_YEAR = 2026

    def set_today(day):
        monkeypatch.setattr(campaign, "today", lambda: day)

    return set_today


def test_due_counts_days_left_today_and_overdue():
    deadline = dt.date(2026, 11, 30)
    assert campaign.due(deadline, on=dt.date(2026, 11, 29)).days_left == 1
    assert campaign.due(deadline, on=dt.date(2026, 11, 30)).days_left == 0
    late = campaign.due(deadline, on=dt.date(2026, 12, 2))
    assert late.overdue and late.overdue_days == 2


def test_community_deadline_and_lateness_use_shanghai_dates():
    assert campaign.community_deadline(2026) == dt.date(2026, 10, 31)
    # 31 October 23:30 in Shanghai is 15:30 UTC: on time; 1 November 00:30 Shanghai is late.
    on_time = AssessmentRowFactory.build(
        year=2026, first_submitted_at=dt.datetime(2026, 10, 31, 15, 30, tzinfo=dt.UTC)
    )
    late = AssessmentRowFactory.build(
        year=2026, first_submitted_at=dt.datetime(2026, 10, 31, 16, 30, tzinfo=dt.UTC)
    )
    assert not campaign.community_submission_late(on_time)
    assert campaign.community_submission_late(late)
    assert not campaign.community_submission_late(AssessmentRowFactory.build(year=2026))


def test_province_home_on_2_december_says_overdue_not_an_unfinished_phrase(client_for, province_user, on):
    on(dt.date(2026, 12, 2))
    body = client_for(province_user).get(reverse("home")).content.decode()
    panel = body.split('data-testid="home-report"')[1].split("</section>")[0]
    assert "未开始" in panel
    assert "2026-11-30" in panel and "已逾期 2 天" in panel
    assert ">尚未<" not in panel


def test_province_home_before_the_deadline_shows_days_left(client_for, province_user, on):
    on(dt.date(2026, 11, 20))
    body = client_for(province_user).get(reverse("home")).content.decode()
    assert "还剩10天" in body.split('data-testid="home-report"')[1]


def test_draft_report_shows_overdue_and_ministry_status_counts_days(
    client_for, province_user, ministry_user, on
):
    on(dt.date(2026, 12, 2))
    from apps.reports import services as reports

    report = reports.annual_report_ensure(province_code="310000000000", year=2026)
    body = client_for(province_user).get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "已逾期 2 天" in body
    national = client_for(ministry_user).get(reverse("reports:national", args=[2026])).content.decode()
    assert 'data-testid="overdue"' in national and "已逾期 2 天" in national


def test_late_report_is_marked_on_the_province_home(client_for, province_user, on):
    on(dt.date(2026, 12, 5))
    AnnualReport.objects.create(
        province_id="310000000000", year=2026, state="submitted", is_late=True, submitted_at=timezone.now()
    )
    body = client_for(province_user).get(reverse("home")).content.decode()
    assert "逾期报送" in body.split('data-testid="home-report"')[1]


def test_community_home_shows_its_deadline_and_late_submission(client_for, community_user, on):
    on(dt.date(2026, 10, 21))
    client = client_for(community_user)
    body = client.get(reverse("home")).content.decode()
    assert "2026-10-31" in body and "还剩10天" in body
