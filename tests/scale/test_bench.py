"""The bench harness itself (the measurements need PostgreSQL and run with `make bench`)."""

import os
import subprocess
import sys

from django.conf import settings

from bench import hooks
from bench.figures import Row, national_export, pending
from bench.run import format_table, markdown_table


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


def test_compile_hook_runs_every_unit_with_a_fixed_number_of_queries(db, django_assert_max_num_queries):
    # 33 compiles of at most 20 queries each (tests/reports budgets one unit at 20).
    with django_assert_max_num_queries(33 * 20):
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
