"""Notices run both ways: the next level is told of every submission and resubmission, the
community of designation and revocation, and a notice is read once its user opens what it is about."""

import datetime as dt

from django.urls import reverse

from apps.accounts.models import Role
from apps.notices.models import Notice
from apps.reports import services as reports
from apps.review import services as review_services
from apps.review import submit_services
from tests.assessments.conftest import fill
from tests.factories import UserFactory


def unread(user):
    return list(Notice.objects.filter(recipient=user, read_at=None).values_list("text", flat=True))


def test_city_is_told_of_submission_and_resubmission(city_user, community_user, submitted):
    assert any("提交" in t for t in unread(city_user)), unread(city_user)
    Notice.objects.update(read_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    returned = review_services.assessment_return(assessment=submitted, user=city_user, reason="材料不全")
    fill(returned, community_user, evidence=False)
    returned.refresh_from_db()
    submit_services.assessment_submit(assessment=returned, user=community_user)
    texts = unread(city_user)
    assert len(texts) == 1 and "重新提交" in texts[0]


def test_community_is_told_of_designation_and_revocation(approved, province_user, community_user):
    Notice.objects.filter(recipient=community_user).delete()
    review_services.demonstration_designate(
        assessment=approved, user=province_user, citation="垃圾分类成效显著"
    )
    assert any("示范社区" in t and "垃圾分类成效显著" in t for t in unread(community_user))
    approved.refresh_from_db()
    review_services.assessment_revoke(assessment=approved, user=province_user, reason="复查不合格")
    assert any("复查不合格" in t for t in unread(community_user))


def test_opening_the_assessment_reads_the_communitys_notices(
    client_for, submitted, city_user, community_user
):
    review_services.assessment_return(assessment=submitted, user=city_user, reason="材料不全")
    assert unread(community_user)
    other = Notice.objects.create(recipient=community_user, text="别的事", url="/notices/")
    client_for(community_user).get(reverse("assessments:detail", args=[submitted.pk]))
    assert unread(community_user) == ["别的事"]
    other.delete()


def test_opening_the_review_page_reads_the_reviewers_notice(client_for, city_user, submitted):
    assert unread(city_user)
    assert client_for(city_user).get(reverse("review:detail", args=[submitted.pk])).status_code == 200
    assert unread(city_user) == []


def test_ministry_is_told_of_a_report_and_reads_it_on_opening(client_for, province_user, db, settings):
    ministry = UserFactory(username="mohurd", role=Role.MINISTRY)
    report = reports.annual_report_ensure(province_code="310000000000", year=2026)
    narrative = {n: "内容" for n in ("mechanism", "measures", "support", "problems", "plans")}
    report = reports.annual_report_update_narrative(report=report, user=province_user, data=narrative)
    reports.annual_report_submit(report=report, user=province_user, today=dt.date(2026, 12, 2))
    texts = unread(ministry)
    assert len(texts) == 1 and "上海市" in texts[0] and "逾期" in texts[0]
    client_for(ministry).get(reverse("reports:detail", args=[report.pk]))
    assert unread(ministry) == []
