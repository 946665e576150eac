"""The bench harness itself (the measurements need PostgreSQL and run with `make bench`)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings

from bench import hooks
from bench.figures import Row, decision_refresh, national_export, pending, retirement_import
from bench.run import format_table, markdown_table
from tests.factories import CommunityFactory, region
from tests.review.conftest import (  # noqa: F401 (fixtures)
    TRANSACTIONAL_APPS,
    assessment,
    ensure_reference_data,
    recommended,
    submitted,
)


def test_bench_refuses_without_postgresql():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    result = subprocess.run(
        [sys.executable, "bench/run.py"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "needs PostgreSQL" in result.stderr and "DATABASE_URL" in result.stderr


def test_every_hook_is_filled_now_that_the_features_exist():
    for name in (
        "COMPILE_FIGURES",
        "ANNUAL_COMPILE",
        "REVIEW_QUEUE_COUNTY_PATH",
        "REVIEW_QUEUE_PROVINCE_PATH",
        "NATIONAL_DASHBOARD_PATH",
        "NATIONAL_EXPORT_ARGV",
        "DECISION_REFRESH",
        "RETIREMENT_IMPORT",
    ):
        assert getattr(hooks, name) is not None, name


def test_figures_without_their_feature_print_pending_not_a_number(monkeypatch):
    monkeypatch.setattr(hooks, "NATIONAL_EXPORT_ARGV", None)
    rows = national_export(2022)
    assert [r.measured for r in rows] == ["pending (issue 6)", "pending (issue 6)"]
    table = format_table(
        [
            Row("1. import", "12.00 s", floor="1.00 s", ratio=12.0, goal="<= 30x COPY", met=True),
            Row("4. page", "median 9 / p95 400 ms", ratio=4.0, goal="<= 3x", met=False),
            pending("2. compile", "<= 2x the query", "issue 5", floor="80.0 ms"),
        ]
    )
    lines = table.splitlines()
    assert lines[0].split(" | ")[0].strip() == "figure"
    assert "12.0x" in lines[2] and lines[2].rstrip().endswith("yes")
    assert lines[3].rstrip().endswith("NO")
    assert "pending (issue 5)" in lines[4] and lines[4].rstrip().endswith("pending")
    assert "| pending |" in markdown_table([pending("2. compile", "<= 2x", "issue 5")])
    monkeypatch.setattr(hooks, "DECISION_REFRESH", None)
    monkeypatch.setattr(hooks, "RETIREMENT_IMPORT", None)
    assert [r.measured for r in decision_refresh()] == ["pending (issue 15)"] * 2
    assert retirement_import().measured == "pending (issue 15)"


def test_compile_hook_runs_every_unit_with_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    # One grouped pass over all 32 units and a composition of the nation: a fixed number of
    # queries (79 at national scale: two per unit for the local standards), not 33 compiles.
    with django_assert_max_num_queries(100):
        hooks.compile_figures(2025)


def test_page_hooks_give_pages_that_answer(db, city_user, province_user, ministry_user, client_for):
    from bench.figures import PageContext

    context = PageContext(
        sessions={},
        street="",
        street_county="",
        county="310104000000",
        province="310000000000",
        search="",
        year=2025,
    )
    for user, hook in (
        (city_user, hooks.REVIEW_QUEUE_COUNTY_PATH),
        (province_user, hooks.REVIEW_QUEUE_PROVINCE_PATH),
        (ministry_user, hooks.NATIONAL_DASHBOARD_PATH),
    ):
        path = hook(context)
        assert client_for(user).get(path).status_code == 200, path


def test_annual_compile_without_a_broker_says_so(settings):
    from bench.figures import annual_compile

    settings.REDIS_URL = ""
    rows = annual_compile(2025)
    assert [r.measured for r in rows] == ["not measured (set REDIS_URL)"] * 2
    assert all(r.met is None for r in rows)


@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_decision_hook_times_real_approvals_and_undoes_them(recommended):  # noqa: F811
    """Figure 6: a real approval through the review service, committed, refreshes the stored unit
    and national figures (the hook itself fails unless both count one more approval); after it
    the assessment, its history and the figures are as before."""
    from apps.assessments.models import Assessment, AssessmentEvent, State
    from apps.reports.models import NationalSnapshot, UnitFigures

    ensure_reference_data()
    events = AssessmentEvent.objects.filter(assessment=recommended).count()
    result = hooks.decision_refresh(decisions=1)
    assert result["decisions"] == 1 and result["year"] == 2026 and result["max_s"] > 0
    assert result["province"] == recommended.province_id
    again = Assessment.objects.get(pk=recommended.pk)
    assert (again.state, again.version, again.approved_at) == (State.RECOMMENDED, recommended.version, None)
    assert AssessmentEvent.objects.filter(assessment=recommended).count() == events
    unit = UnitFigures.objects.get(province_id=recommended.province_id, year=2026)
    assert unit.summary["totals"]["approved"] == 0
    assert NationalSnapshot.objects.get(year=2026).figures["totals"]["approved"] == 0


def test_retirement_hook_imports_merged_and_abolished_rows_and_rolls_back(db):
    """Figure 7 on a small registry: one merged and one abolished community are applied by the
    import (the hook fails otherwise), and nothing stays retired after its rollback."""
    from apps.communities.models import Community

    street = region("310104003")
    for _ in range(4):
        CommunityFactory(street=street)
    result = hooks.retirement_import(rows=2)
    assert (result["merged"], result["abolished"]) == (1, 1)
    assert not Community.objects.filter(retired_on__isnull=False).exists()


def test_annual_compile_that_does_not_finish_is_a_missed_goal_not_a_crash(settings, monkeypatch):
    from bench.figures import annual_compile

    settings.REDIS_URL, settings.CELERY_TASK_ALWAYS_EAGER = "redis://127.0.0.1:6379/9", False

    def too_slow(year, timeout):
        raise TimeoutError(f"the annual compile not done within {timeout:.0f} s")

    monkeypatch.setattr(hooks, "ANNUAL_COMPILE", too_slow)
    total, national = annual_compile(2025)
    assert total.measured == "not done: the annual compile not done within 300 s"
    assert total.met is False and total.goal == "< 60 s"
    assert national.met is None
