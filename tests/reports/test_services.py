"""Report workflow, reminders and late marking with a frozen clock; jobs in eager mode."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from apps.accounts.models import Role
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.notices.models import Notice
from apps.reports import jobs, services, tasks
from apps.reports.figures import store
from apps.reports.models import AnnualReport, CompileJob, NationalSnapshot, ReportAction, ReportEvent
from tests.factories import UserFactory, region

from .conftest import make_assessment

pytestmark = pytest.mark.django_db
SH = "310000000000"
NARRATIVE = {n: f"{n} 的内容。" for n in ("mechanism", "measures", "support", "problems", "plans")}


@pytest.fixture
def beijing_user(db):
    return UserFactory(username="beijing-dept", role=Role.PROVINCE, region=region("11"))


@pytest.fixture
def written(small_world, province_user):
    report = services.annual_report_compile(province_code=SH, year=2025)
    return services.annual_report_update_narrative(report=report, user=province_user, data=NARRATIVE)


def test_compile_is_idempotent(small_world):
    first = services.annual_report_compile(province_code=SH, year=2025)
    again = services.annual_report_compile(province_code=SH, year=2025)
    assert again.figures == first.figures
    assert again.compiled_at == first.compiled_at
    assert ReportEvent.objects.filter(report=first, action=ReportAction.COMPILED).count() == 1


def test_submit_on_time_freezes_the_snapshot(written, province_user, small_world):
    report = services.annual_report_submit(report=written, user=province_user, today=dt.date(2025, 11, 30))
    assert report.state == "submitted" and report.is_late is False
    frozen = report.figures
    make_assessment(small_world["h"][1], 2024, "approved", approved_at=dt.datetime(2024, 1, 5, tzinfo=dt.UTC))
    again = services.annual_report_compile(province_code=SH, year=2025)
    assert again.figures == frozen
    with pytest.raises(ConflictError):
        services.annual_report_update_narrative(report=again, user=province_user, data={"plans": "x"})


def test_submit_after_30_november_is_late(written, province_user):
    report = services.annual_report_submit(report=written, user=province_user, today=dt.date(2025, 12, 1))
    assert report.is_late is True


def test_submit_needs_every_section(small_world, province_user):
    report = services.annual_report_compile(province_code=SH, year=2025)
    with pytest.raises(ServiceError) as err:
        services.annual_report_submit(report=report, user=province_user)
    assert err.value.code == "narrative_missing"


def test_other_province_cannot_edit(written, beijing_user):
    with pytest.raises(ForbiddenError):
        services.annual_report_update_narrative(report=written, user=beijing_user, data={"plans": "x"})


def test_stale_version_is_refused(written, province_user):
    with pytest.raises(ConflictError):
        services.annual_report_update_narrative(
            report=written, user=province_user, data={"plans": "x"}, expected_version=written.version - 1
        )


def test_ministry_returns_with_reason(
    written, province_user, ministry_user, django_capture_on_commit_callbacks
):
    report = services.annual_report_submit(report=written, user=province_user, today=dt.date(2025, 11, 20))
    with pytest.raises(ServiceError):
        services.annual_report_return(report=report, user=ministry_user, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        report = services.annual_report_return(report=report, user=ministry_user, reason="请补充资金数据")
    assert report.state == "returned" and report.is_editable
    assert Notice.objects.filter(recipient=province_user, text__contains="请补充资金数据").exists()
    assert len(mail.outbox) == 1
    actions = list(report.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-2:] == ["submitted", "returned"]


def test_reminders_only_to_unsubmitted_once_a_day(
    written, province_user, beijing_user, django_capture_on_commit_callbacks
):
    services.annual_report_submit(report=written, user=province_user, today=dt.date(2025, 11, 10))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.annual_reports_remind(year=2025, today=dt.date(2025, 11, 16)) == 31
    assert not Notice.objects.filter(recipient=province_user).exists()
    notice = Notice.objects.get(recipient=beijing_user)
    assert "14" in notice.text  # days left to 30 November
    assert [m.to for m in mail.outbox] == [["beijing-dept@example.org"]]
    assert services.annual_reports_remind(year=2025, today=dt.date(2025, 11, 16)) == 0
    assert services.annual_reports_remind(year=2025, today=dt.date(2025, 11, 23)) == 31


def test_mark_late_on_1_december(written, province_user):
    services.annual_report_submit(report=written, user=province_user, today=dt.date(2025, 11, 29))
    assert services.annual_reports_mark_late(year=2025, today=dt.date(2025, 11, 30)) == 0
    assert services.annual_reports_mark_late(year=2025, today=dt.date(2025, 12, 1)) == 31
    assert AnnualReport.objects.filter(year=2025).count() == 32
    assert AnnualReport.objects.filter(year=2025, is_late=True).count() == 31
    assert AnnualReport.objects.get(province_id=SH, year=2025).is_late is False
    assert services.annual_reports_mark_late(year=2025, today=dt.date(2025, 12, 2)) == 0


def test_scheduled_tasks_use_the_local_date(small_world):
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2025, 12, 1)):
        assert tasks.scheduled_mark_late() == 32
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2026, 11, 16)):
        assert tasks.scheduled_remind() == 32


def test_schedule_rows_from_migration():
    rows = {
        p.task + "@" + p.crontab.day_of_month: p
        for p in PeriodicTask.objects.filter(
            task__startswith="reports.", crontab__isnull=False
        ).select_related("crontab")
    }
    requeue = PeriodicTask.objects.select_related("interval").get(task="reports.requeue_pending_jobs")
    assert (requeue.interval.every, requeue.interval.period, requeue.enabled) == (5, "minutes", True)
    sweep = PeriodicTask.objects.select_related("interval").get(task="reports.heal_figures")
    assert not PeriodicTask.objects.filter(task="reports.refresh_stale_figures").exists()
    assert (sweep.interval.every, sweep.interval.period, sweep.enabled) == (5, "minutes", True)
    assert set(rows) == {
        "reports.scheduled_compile@1",
        "reports.scheduled_compile@2-30",
        "reports.scheduled_remind@16,23,29",
        "reports.scheduled_mark_late@1",
    }
    for p in rows.values():
        assert str(p.crontab.timezone) == "Asia/Shanghai" and p.enabled
    assert rows["reports.scheduled_mark_late@1"].crontab.month_of_year == "12"
    assert {rows[k].crontab.month_of_year for k in rows if "mark_late" not in k} == {"11"}
    # The crontab fires on exactly the days of the calendar.
    remind = rows["reports.scheduled_remind@16,23,29"].crontab.schedule
    assert remind.day_of_month == {16, 23, 29} and remind.month_of_year == {11}


def test_year_job_in_eager_mode(small_world, ministry_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.compile_job_start(user=ministry_user, kind="year", year=2025)
    job.refresh_from_db()
    assert job.state == "done" and job.finished_at
    assert AnnualReport.objects.filter(year=2025, compiled_at__isnull=False).count() == 32
    snapshot = NationalSnapshot.objects.get(year=2025)
    assert snapshot.figures["totals"]["meeting"] == 4
    assert AnnualReport.objects.get(province_id=SH, year=2025).figures["totals"]["meeting"] == 3


def test_province_job_scope(small_world, province_user, django_capture_on_commit_callbacks):
    with pytest.raises(ForbiddenError):
        jobs.compile_job_start(user=province_user, kind="province", year=2025, province_code="110000000000")
    with pytest.raises(ForbiddenError):
        jobs.compile_job_start(user=province_user, kind="year", year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.compile_job_start(user=province_user, kind="province", year=2025, province_code=SH)
    assert CompileJob.objects.get(pk=job.pk).state == "done"


def test_failed_compile_marks_the_job(small_world, province_user, django_capture_on_commit_callbacks):
    with (
        mock.patch("apps.reports.services.annual_report_compile", side_effect=ValueError("boom")),
        pytest.raises(ValueError),
        django_capture_on_commit_callbacks(execute=True),
    ):
        jobs.compile_job_start(user=province_user, kind="province", year=2025, province_code=SH)
    job = CompileJob.objects.get()
    assert job.state == "failed" and "boom" in job.error


@pytest.mark.django_db
def test_a_rolled_back_decision_leaves_no_refresh_for_the_next_commit(django_capture_on_commit_callbacks):
    from django.db import transaction

    with mock.patch.object(store, "unit_figures_refresh") as refresh:
        with pytest.raises(RuntimeError), transaction.atomic():
            store.unit_figures_refresh_on_commit(province_id="110000000000", year=2025)
            raise RuntimeError("the decision failed")
        with django_capture_on_commit_callbacks(execute=True):
            store.unit_figures_refresh_on_commit(province_id="310000000000", year=2025)
            store.unit_figures_refresh_on_commit(province_id="310000000000", year=2024)
    assert [c.kwargs["province_id"] for c in refresh.call_args_list] == ["310000000000"]
    assert refresh.call_args.kwargs["years"][0] == 2024


def test_an_import_across_units_refreshes_each_in_one_pass_per_year(
    tmp_path, django_capture_on_commit_callbacks
):
    """A registry import touching two units stores both units' figures for every year from the
    first one it can move, each equal to a direct count of the registry, with one grouped
    computation per year (not one per unit and year)."""
    from apps.communities.models import Community
    from apps.communities.registry_import import community_import
    from apps.reports.figures import store
    from apps.reports.models import UnitFigures

    path = tmp_path / "registry.csv"
    path.write_text(
        "code,name,streetCode\n310104003001,甲社区居委会,310104003\n310104003002,乙社区居委会,310104003\n"
        "110101001001,多福巷社区居委会,110101001\n",
        encoding="utf-8",
    )
    with (
        mock.patch.object(store, "units_figures_compute", wraps=store.units_figures_compute) as grouped,
        django_capture_on_commit_callbacks(execute=True),
    ):
        community_import(source=path)
    years = store.figures_years_from(2020)
    # (The national composition computes the units never stored yet on its own.)
    ours = [
        c
        for c in grouped.call_args_list
        if sorted(c.kwargs.get("province_codes") or []) == ["110000000000", SH]
    ]
    assert sorted(c.kwargs["year"] for c in ours) == years
    for code in ("110000000000", SH):
        for year in years:
            stored = UnitFigures.objects.get(province_id=code, year=year).summary["totals"]["registered"]
            assert stored == Community.objects.filter(province_id=code).count()
    assert NationalSnapshot.objects.get(year=years[-1]).figures["totals"]["registered"] == 3


def test_a_change_landing_during_a_recount_is_never_hidden(small_world, monkeypatch):
    """A recount reads the fingerprint of its inputs BEFORE the figures (under the unit-year's
    lock): a decision landing in between gives figures newer than their stored fingerprint, so the
    next healing run recomputes once more, and nothing stays hidden."""
    from apps.assessments.models import Assessment
    from apps.reports.figures import compute, fingerprint, store
    from apps.reports.models import UnitFigures

    from .conftest import at

    assert store.figures_heal()  # the world was written behind the services' backs
    assert store.figures_heal() == []
    real = fingerprint.units_fingerprints

    def racing(**kwargs):
        prints = real(**kwargs)
        # X4's 2025 assessment approved right after the fingerprint was read.
        Assessment.objects.filter(community_id="310104003004", year=2025).update(
            state="approved", approved_at=at(2025, 10, 20)
        )
        return prints

    monkeypatch.setattr(fingerprint, "units_fingerprints", racing)
    store.unit_figures_refresh(province_id=SH, years=[2025])
    monkeypatch.undo()
    stored = UnitFigures.objects.get(province_id=SH, year=2025).summary["totals"]
    assert (
        stored["approved"] == compute.unit_figures_compute(year=2025, province_code=SH)["totals"]["approved"]
    )
    assert stored["approved"] == 3  # X2, H1 and X4: the figures include the change
    assert store.figures_heal() == [(SH, 2025), (SH, 2026)]  # their fingerprint did not
    assert store.figures_heal() == []
