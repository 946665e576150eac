"""Where the figures that need other issues' features plug in.

Each hook was None until its feature existed in the branch (the bench then printed the figure as
"pending (issue N)"). All of them are filled in now that the review queues (issue 4), the reports
(issue 5) and the exports (issue 6) are merged. See docs/benchmarks.md.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# --- Figure 2: compile the figures of the 32 provincial units and the nation ------------------


def compile_figures(year: int) -> None:
    """What the annual compile computes, without PDFs and without the (tiny) writes: the figures
    of every provincial unit (apps.reports.selectors.region_figures, as annual_report_compile
    does) and the national figures with the report status (as national_snapshot_compile does)."""
    from django.utils import timezone

    from apps.reports import selectors

    for code in selectors.provincial_units().values_list("code", flat=True):
        selectors.region_figures(year=year, province_code=code)
    figures = selectors.region_figures(year=year)
    figures["report_status"] = selectors.report_status(year=year, today=timezone.localdate())


COMPILE_FIGURES = compile_figures


# --- Figure 3: the annual compile through Celery with two worker processes ------------------


class Worker:
    """`celery -A greencommunity worker -c 2` as a subprocess against the bench database and Redis."""

    def __init__(self, log_path: Path, concurrency: int = 2):
        self.log_path = log_path
        self.concurrency = concurrency
        self.process = None

    def __enter__(self):
        from greencommunity.celery import app

        celery = Path(sys.executable).with_name("celery")
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.hostname = f"bench-{os.getpid()}@%h"
        self.process = subprocess.Popen(  # noqa: S603
            [str(celery), "-A", "greencommunity", "worker", "-c", str(self.concurrency), "-l", "warning",
             "-n", self.hostname, "--without-gossip", "--without-mingle", "--without-heartbeat"],
            cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"},
            stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the celery worker exited, see {self.log_path}")
            replies = app.control.ping(timeout=1.0) or []
            if any(name.startswith(f"bench-{os.getpid()}@") for reply in replies for name in reply):
                return self
        raise RuntimeError("the celery worker did not answer within 90 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()  # warm shutdown: the worker finishes nothing more, exits
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()


def _wait(predicate, started: float, timeout: float, what: str) -> float:
    while not predicate():
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"{what} not done within {timeout:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - started


def annual_compile(year: int, timeout: float) -> dict:
    """The whole annual compile through Celery: per unit, compile its report then render its PDF
    (a chain per unit, the 32 chains in one chord); once all are done, the national snapshot then
    its PDF. Every PDF of the year is marked stale first, so each one is rendered again. Then the
    national snapshot and PDF alone, through the worker, again from a stale PDF."""
    from celery import chain, chord, group
    from django.conf import settings

    from apps.reports import selectors, tasks
    from apps.reports.models import AnnualReport, NationalSnapshot

    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        raise RuntimeError("figure 3 needs REDIS_URL (a real broker for the worker processes)")
    units = list(selectors.provincial_units().values_list("code", flat=True))
    results = Path(__file__).resolve().parent.parent / "bench-results"
    import resource

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    cpu_before = children_cpu()
    with Worker(results / "celery-worker.log"):
        AnnualReport.objects.filter(year=year).update(pdf_compiled_at=None)
        NationalSnapshot.objects.filter(year=year).update(pdf_compiled_at=None)

        def all_done() -> bool:
            reports = list(
                AnnualReport.objects.filter(year=year).values_list("compiled_at", "pdf_compiled_at")
            )
            national = NationalSnapshot.objects.filter(year=year, pdf_compiled_at__isnull=False).exists()
            return national and len(reports) == len(units) and all(c and c == p for c, p in reports)

        started = time.perf_counter()
        chord(
            group(
                chain(tasks.compile_annual_report.si(code, year), tasks.render_annual_report_pdf.s())
                for code in units
            )
        )(chain(tasks.compile_national_snapshot.si(year), tasks.render_national_pdf.si(year)))
        total = _wait(all_done, started, timeout, "the annual compile")

        NationalSnapshot.objects.filter(year=year).update(pdf_compiled_at=None)
        started = time.perf_counter()
        chain(tasks.compile_national_snapshot.si(year), tasks.render_national_pdf.si(year)).delay()
        national = _wait(
            lambda: NationalSnapshot.objects.filter(year=year, pdf_compiled_at__isnull=False).exists(),
            started,
            timeout,
            "the national PDF",
        )
    # CPU of the worker and its two pool processes over the whole figure (start, both compiles,
    # shutdown): counted once they have exited and been waited for. On two dedicated cores the
    # wall time of 3a cannot be much under half of it.
    worker_cpu = children_cpu() - cpu_before
    sizes = {
        "provincial_pdfs": AnnualReport.objects.filter(year=year).exclude(pdf="").count(),
        "largest_approved_list": max(
            (len((f or {}).get("approved_list", [])) for f in AnnualReport.objects.filter(year=year).values_list("figures", flat=True)),
            default=0,
        ),
    }  # fmt: skip
    return {"total": total, "national_pdf": national, "worker_cpu_s": round(worker_cpu, 1), **sizes}


ANNUAL_COMPILE = annual_compile


# --- Figure 4: the pages of the review queues and the national dashboard ---------------------


def _queue_year(region_field: str, region: str, state: str) -> int:
    """The year with the most assessments waiting in that queue (the busiest queue to show)."""
    from django.db.models import Count

    from apps.assessments.models import Assessment

    row = (
        Assessment.objects.filter(**{region_field: region, "state": state})
        .values("year")
        .annotate(n=Count("id"))
        .order_by("-n", "-year")
        .first()
    )
    return row["year"] if row else 2025


def review_queue_county_path(context) -> str:
    """The city-level (first-level) reviewer of the county with the most communities, on the work
    waiting for them (submitted) in the year where that queue is longest."""
    year = _queue_year("county_id", context.county, "submitted")
    return f"/review/?state=submitted&year={year}"


def review_queue_province_path(context) -> str:
    """The province reviewer of the largest province, on the recommended assessments waiting."""
    year = _queue_year("province_id", context.province, "recommended")
    return f"/review/?state=recommended&year={year}"


def national_dashboard_path(context) -> str:
    """The ministry's dashboard of the bench year (its snapshot is compiled first if missing)."""
    from apps.reports import services
    from apps.reports.models import NationalSnapshot

    if not NationalSnapshot.objects.filter(year=context.year).exists():
        services.national_snapshot_compile(year=context.year)
    return f"/reports/national/{context.year}/"


REVIEW_QUEUE_COUNTY_PATH = review_queue_county_path  # first-level review queue of the largest county
REVIEW_QUEUE_PROVINCE_PATH = review_queue_province_path  # province review queue of the largest province
NATIONAL_DASHBOARD_PATH = national_dashboard_path  # the ministry's national dashboard


# --- Figure 5: the national CSV export ---------------------------------------------------------

# A fresh process (bench/export_national.py) that serves GET /communities/export/communities.csv
# for the ministry through the portal's URLconf and middleware, reading the whole streamed body.
NATIONAL_EXPORT_ARGV = [sys.executable, "bench/export_national.py"]
