"""Faults around report compiles: a worker killed (SIGKILL) in the middle of a compile leaves no
partial report and the job completes when redelivered; with Redis unreachable the report pages say
so in Chinese and the job waits, then runs once Redis is back (requeue by the beat task)."""

import io
import os
import signal
import subprocess
import sys
import time

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from apps.accounts.models import Role
from apps.reports import jobs, services, tasks
from apps.reports.models import AnnualReport, CompileJob, ReportAction, ReportEvent
from greencommunity.celery import app as celery_app  # noqa: E402
from tests.factories import UserFactory, region

# Celery reads the Django settings lazily, once: read them now, before a test points the settings'
# broker at a closed port, so that the app keeps the real broker for the workers.
celery_app.conf.broker_url  # noqa: B018

SH = "310000000000"
CLOSED_PORT = "redis://127.0.0.1:1/0"
DOWN_TEXT = "报告暂时无法汇总"


def _database_url() -> str:
    s = connection.settings_dict
    if "postgresql" not in s["ENGINE"]:
        pytest.skip("the worker needs a database it can share: PostgreSQL")
    return f"postgres://{s['USER']}:{s['PASSWORD'] or ''}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _wait(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.3)
    return False


class Workers:
    """Starts real Celery workers (solo pool) on Redis against the test database; a short visibility
    timeout so that a message taken by a killed worker is delivered again within seconds."""

    def __init__(self, tmp_path):
        self.tmp_path, self.procs, self.logs = tmp_path, [], []

    def start(self, name):
        from greencommunity.celery import app

        env = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "greencommunity.settings.test",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_VISIBILITY_TIMEOUT": "8",
            "DJANGO_MEDIA_ROOT": str(self.tmp_path / "media"),
        }
        node = f"{name}-{os.getpid()}"
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "greencommunity", "worker", "--pool=solo", "-l", "info"]
            + ["-n", f"{node}@%h"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        self.logs.append(log)
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=1, destination=[f"{node}@{os.uname().nodename}"]):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "worker did not start: " + (self.tmp_path / f"{name}.log").read_text()[-2000:]
                )
        return proc

    def stop(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for log in self.logs:
            log.close()


@pytest.fixture
def workers(reference_data_restored, transactional_db, tmp_path):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL")
    from greencommunity.celery import app

    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("celery")
    pool = Workers(tmp_path)
    yield pool
    pool.stop()


def _backends_inserting_history(own_pid):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, wait_event_type FROM pg_stat_activity WHERE pid <> %s AND datname = current_database()"
            " AND query LIKE %s",
            [own_pid, 'INSERT INTO "reports_reportevent"%'],
        )
        return cursor.fetchall()


@pytest.mark.services
def test_a_worker_killed_mid_compile_leaves_no_partial_report_and_the_job_completes(workers, small_world):
    report = services.annual_report_ensure(province_code=SH, year=2025)
    assert report.figures == {} and report.compiled_at is None
    worker = workers.start("doomed")

    # Another session holds a lock that blocks the compile's history INSERT: the worker will have
    # written the new figures (uncommitted) and then wait, i.e. be in the middle of the compile.
    s = connection.settings_dict
    blocker = psycopg2.connect(
        dbname=s["NAME"],
        user=s["USER"],
        password=s["PASSWORD"] or "",
        host=s["HOST"] or "127.0.0.1",
        port=s["PORT"],
    )
    blocker_cursor = blocker.cursor()
    blocker_cursor.execute("LOCK TABLE reports_reportevent IN SHARE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_pid = cursor.fetchone()[0]
    try:
        province = UserFactory(username="sh-dept-k", role=Role.PROVINCE, region=region("31"))
        job = jobs.compile_job_start(user=province, kind="province", year=2025, province_code=SH)
        assert _wait(lambda: any(w == "Lock" for _pid, w in _backends_inserting_history(own_pid)), 60), (
            "the compile never reached its history insert"
        )
        assert CompileJob.objects.get(pk=job.pk).state == "running"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        blocker.rollback()  # releases the lock: the dead worker's transaction can only roll back
        blocker.close()
    assert _wait(lambda: not _backends_inserting_history(own_pid), 30)

    report.refresh_from_db()
    assert report.figures == {} and report.compiled_at is None, "a partial compile was kept"
    assert not ReportEvent.objects.filter(report=report, action=ReportAction.COMPILED).exists()

    # The message was never acknowledged: a new worker gets it again and completes the job.
    workers.start("heir")
    assert _wait(lambda: CompileJob.objects.get(pk=job.pk).state in ("done", "failed"), 120)
    job.refresh_from_db()
    assert job.state == "done", job.error
    report.refresh_from_db()
    assert report.figures["totals"]["meeting"] == 3 and report.compiled_at is not None
    assert ReportEvent.objects.filter(report=report, action=ReportAction.COMPILED).count() == 1
    out = io.StringIO()
    call_command("verify_history", stdout=out)
    assert "0 broken" in out.getvalue()


@pytest.fixture
def broker_down(settings):
    """Redis unreachable: the broker URL the portal checks points at a closed port, tasks are not run
    in process, and any attempt to send a task fails loudly."""
    from celery.app.task import Task

    from greencommunity.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = CLOSED_PORT
    before = app.conf.task_always_eager
    app.conf.task_always_eager = False
    original = Task.apply_async

    def refuse(self, *args, **kwargs):
        if not app.conf.task_always_eager:
            raise AssertionError(f"tried to send {self.name} while Redis is down")
        return original(self, *args, **kwargs)

    Task.apply_async = refuse
    yield settings
    Task.apply_async = original
    app.conf.task_always_eager = before


def _province_client(client):
    user = UserFactory(username="sh-dept-b", role=Role.PROVINCE, region=region("31"))
    client.force_login(user)
    return client


def _redis_is_down_then_back(client, settings, django_capture_on_commit_callbacks):
    report = services.annual_report_ensure(province_code=SH, year=2025)
    page = client.get(reverse("reports:detail", args=[report.pk]))
    assert page.status_code == 200
    assert DOWN_TEXT in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:compile", args=[report.pk]), follow=True)
    assert response.status_code == 200
    assert DOWN_TEXT in response.content.decode()
    job = CompileJob.objects.get()
    assert job.state == "pending" and job.enqueued_at is None  # kept, not lost, not failed
    report.refresh_from_db()
    assert report.compiled_at is None
    # The PDF of a report never compiled is a 404 as before; the national page says it too.
    ministry = UserFactory(username="ministry-b", role=Role.MINISTRY)
    client.force_login(ministry)
    assert DOWN_TEXT in client.get(reverse("reports:national", args=[2025])).content.decode()
    return report, job


def test_with_redis_down_report_pages_say_so_and_the_job_waits(
    broker_down, small_world, client, django_capture_on_commit_callbacks
):
    from greencommunity.celery import app

    report, job = _redis_is_down_then_back(
        _province_client(client), broker_down, django_capture_on_commit_callbacks
    )
    # Nothing is sent while it is down.
    assert jobs.compile_jobs_requeue(min_age_seconds=0) == 0
    # Redis is back (here: tasks in process): the beat task sends the waiting job, which completes.
    broker_down.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    assert tasks.requeue_pending_jobs.apply(kwargs={}).get() == 0  # too young for the beat run (10 s)
    CompileJob.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2020))
    assert tasks.requeue_pending_jobs.apply().get() == 1
    job.refresh_from_db()
    assert job.state == "done" and job.enqueued_at is not None
    report.refresh_from_db()
    assert report.figures["totals"]["meeting"] == 3


@pytest.mark.services
def test_with_redis_down_then_back_a_real_worker_runs_the_waiting_job(workers, small_world, client, settings):
    real = settings.CELERY_BROKER_URL
    settings.CELERY_BROKER_URL = CLOSED_PORT  # what the portal checks before sending anything
    try:
        report, job = _redis_is_down_then_back(_province_client(client), settings, lambda execute: _Null())
    finally:
        settings.CELERY_BROKER_URL = real
    workers.start("back")
    # The next beat run (sent through Redis, run by the worker) sends the job that waited.
    CompileJob.objects.filter(pk=job.pk).update(created_at=job.created_at.replace(year=2020))
    tasks.requeue_pending_jobs.delay()
    assert _wait(lambda: CompileJob.objects.get(pk=job.pk).state in ("done", "failed"), 120)
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert AnnualReport.objects.get(pk=report.pk).figures["totals"]["meeting"] == 3


class _Null:
    """transactional_db commits at once (on_commit runs immediately): no capture needed."""

    def __enter__(self):
        return []

    def __exit__(self, *exc):
        return False
