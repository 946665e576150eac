"""A real Celery worker on Redis, against the same test database: fan-out and idempotence."""

import os
import subprocess
import sys
import time

import pytest
from django.db import connection

from apps.accounts.models import Role
from apps.reports import jobs, tasks
from apps.reports.models import AnnualReport, CompileJob, NationalSnapshot, ReportAction, ReportEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.services
SH = "310000000000"


def _database_url() -> str:
    s = connection.settings_dict
    if "postgresql" not in s["ENGINE"]:
        pytest.skip("the worker needs a database it can share: PostgreSQL")
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(reference_data_restored, transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    from greencommunity.celery import app

    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.test",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DJANGO_MEDIA_ROOT": str(tmp_path / "media"),
    }
    log = open(tmp_path / "worker.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "greencommunity",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-n",
            f"gc5-{os.getpid()}@%h",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1, destination=[f"gc5-{os.getpid()}@{os.uname().nodename}"]):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("worker did not start: " + (tmp_path / "worker.log").read_text()[-2000:])
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _wait(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


def test_year_fan_out_on_a_real_worker(worker, small_world):
    ministry = UserFactory(username="ministry-w", role=Role.MINISTRY)
    job = jobs.compile_job_start(user=ministry, kind="year", year=2025)  # autocommit: enqueued at once
    assert _wait(lambda: CompileJob.objects.get(pk=job.pk).state in ("done", "failed"))
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert AnnualReport.objects.filter(year=2025, compiled_at__isnull=False).count() == 32
    assert AnnualReport.objects.get(province_id=SH, year=2025).figures["totals"]["meeting"] == 3
    assert NationalSnapshot.objects.get(year=2025).figures["totals"]["meeting"] == 4


def test_redelivered_compile_is_harmless(worker, small_world):
    first = tasks.compile_annual_report.delay(SH, 2025)
    assert first.get(timeout=60)
    report = AnnualReport.objects.get(province_id=SH, year=2025)
    # The same message twice (as after a worker died before acknowledging), then once more.
    again = [tasks.compile_annual_report.apply_async((SH, 2025), task_id=first.id) for _ in range(2)]
    again.append(tasks.compile_annual_report.delay(SH, 2025))
    for result in again:
        result.get(timeout=60)
    report_after = AnnualReport.objects.get(pk=report.pk)
    assert report_after.figures == report.figures
    assert report_after.compiled_at == report.compiled_at
    assert ReportEvent.objects.filter(report=report, action=ReportAction.COMPILED).count() == 1
    assert AnnualReport.objects.filter(province_id=SH, year=2025).count() == 1
