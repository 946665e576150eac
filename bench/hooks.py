"""Where the figures that need other issues' features plug in.

Each hook was None until its feature existed in the branch (the bench then printed the figure as
"pending (issue N)"). All of them are filled in now that the review queues (issue 4), the reports
(issue 5), the exports (issue 6) and the live figures and registry life (issue 15) are merged.
See docs/benchmarks.md.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


# --- Figure 2: compile the figures of the 32 provincial units and the nation ------------------


def compile_figures(year: int) -> None:
    """What the annual compile computes, without PDFs and without the (small) writes, the way the
    code computes it now: the figures of all 32 provincial units in one grouped pass
    (apps.reports.figures.compute.units_figures_compute, as figures_refresh_all does) and the national
    figures composed from the units' summaries, with the report status (as
    national_snapshot_compile does from the stored UnitFigures); no response is read twice."""
    from django.utils import timezone

    from apps.reports import selectors
    from apps.reports.figures import compose, compute

    units = compute.units_figures_compute(year=year)
    summaries = {code: compute.unit_figures_split(f)["summary"] for code, f in units.items()}
    figures = compose.national_figures_compose(year=year, summaries=summaries)
    figures["report_status"] = selectors.report_status(year=year, today=timezone.localdate())


COMPILE_FIGURES = compile_figures


# --- Figure 6: a decision makes its unit's figures (and the nation's) current -------------------


def _province_reviewer(province: str):
    from apps.accounts.models import Role, User

    user, _ = User.objects.update_or_create(
        username="bench-province",
        defaults={
            "role": Role.PROVINCE,
            "region_id": province,
            "is_active": True,
            "display_name": "bench province",
        },
    )
    return user


def _largest_province() -> str:
    from django.db.models import Count

    from apps.communities.models import Community

    return (
        Community.objects.values("province_id")
        .annotate(n=Count("code"))
        .order_by("-n", "province_id")[0]["province_id"]
    )


def decision_refresh(decisions: int = 5) -> dict:
    """Approve `decisions` assessments waiting at the province of the largest province, one at a
    time, as its province reviewer through apps.review.services.assessment_approve (its own
    transaction commits; the on-commit refresh recomputes the unit's figures of that year and the
    later ones and recomposes the national snapshots, in the same call). Timed from the call to
    the moment the refresh has returned; then checked: the stored UnitFigures of the unit and year
    and the national snapshot count one more approval. Each approval is undone afterwards (the
    assessment's fields restored, its history entry and notices deleted, the figures refreshed
    again), so the data stay as generated."""
    from django.db import connection

    from apps.assessments.models import Assessment, AssessmentEvent, State
    from apps.notices.models import Notice
    from apps.reports.figures import store
    from apps.reports.models import NationalSnapshot, UnitFigures
    from apps.review import services as review
    from apps.review import workflow

    province = _largest_province()
    user = _province_reviewer(province)
    year = _queue_year("province_id", province, "recommended")
    waiting = Assessment.objects.filter(province_id=province, year=year, state=State.RECOMMENDED).order_by(
        "pk"
    )
    chosen = []
    for assessment in waiting.iterator(chunk_size=200):
        if "approve" in workflow.available_actions(user, assessment):
            chosen.append(assessment)
            if len(chosen) == decisions:
                break
    if not chosen:
        raise RuntimeError(f"no assessment of {province} waits for the province's approval")
    years = store.figures_years_from(year)
    # Start from current figures of every unit and the nation. And forget the units an earlier
    # rolled-back transaction of this process left pending (figures 1 and 7 roll back imports:
    # apps.reports.figures.store keeps the pending units in a thread-local that a rollback does not
    # clear, so the next commit would refresh them all and the first decision would pay for it).
    store._pending.units = {}
    store.figures_refresh_all(years=years)

    def approved() -> tuple[int, int]:
        unit = UnitFigures.objects.get(province_id=province, year=year).summary["totals"]["approved"]
        nation = NationalSnapshot.objects.get(year=year).figures["totals"]["approved"]
        return unit, nation

    timings, refresh_timings = [], []
    original_refresh = store.unit_figures_refresh

    def timed_refresh(**kwargs):
        started_refresh = time.perf_counter()
        try:
            return original_refresh(**kwargs)
        finally:
            refresh_timings.append(time.perf_counter() - started_refresh)

    for assessment in chosen:
        saved = Assessment.objects.filter(pk=assessment.pk).values(
            "state", "review_level", "approved_at", "version", "updated_at"
        )[0]
        last_event = AssessmentEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        last_notice = Notice.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        before = approved()
        store.unit_figures_refresh = timed_refresh
        try:
            started = time.perf_counter()
            review.assessment_approve(assessment=assessment, user=user)
            timings.append(time.perf_counter() - started)
        finally:
            store.unit_figures_refresh = original_refresh
        after = approved()
        # Undo: the assessment as it was, its history entry and notices gone, figures refreshed.
        Assessment.objects.filter(pk=assessment.pk).update(**saved)
        # The history is append-only through the application; the bench removes, by SQL, the one
        # entry it appended itself: the last of this assessment's chain, so the chain stays whole
        # (manage.py verify_history) and the data are as generated.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {AssessmentEvent._meta.db_table} WHERE id > %s AND assessment_id = %s",  # noqa: S608
                [last_event, assessment.pk],
            )
        Notice.objects.filter(pk__gt=last_notice, assessment_id=assessment.pk).delete()
        store.unit_figures_refresh(province_id=province, years=years)
        if after != (before[0] + 1, before[1] + 1):
            raise RuntimeError(
                f"approving assessment {assessment.pk} moved the approved count from {before} to {after}"
                " (unit, nation); expected one more in both"
            )
        if approved() != before:
            raise RuntimeError(f"undoing the approval of assessment {assessment.pk} did not restore {before}")
    return {
        "province": province,
        "year": year,
        "years_refreshed": years,
        "decisions": len(timings),
        "median_s": statistics.median(timings),
        "max_s": max(timings),
        "refresh_median_s": statistics.median(refresh_timings) if refresh_timings else None,
        "timings_s": [round(t, 3) for t in timings],
    }


DECISION_REFRESH = decision_refresh


# --- Figure 7: a registry import of 1,000 retirements ------------------------------------------


def retirement_import(rows: int = 1000) -> dict:
    """apps.communities.registry_import.community_import of a CSV of `rows` retirements in the largest
    province (half merged into a neighbour of the same street that stays, half abolished, with a
    date and a note: the columns 撤销日期/撤销方式/承继社区代码/备注), validated and applied on the
    staging table, inside a transaction that is rolled back after (so the registry stays as
    generated; the figures refresh that would follow the commit is not part of this figure, it is
    figure 6's work)."""
    import csv
    import io

    from django.db import transaction

    from apps.communities.importing import TEMPLATE_HEADER_FULL
    from apps.communities.models import Community
    from apps.communities.registry_import import community_import

    province = _largest_province()
    live = list(
        Community.objects.filter(province_id=province, retired_on__isnull=True)
        .order_by("street_id", "code")
        .values_list("code", "name", "street_id")
    )
    by_street: dict[str, list] = {}
    for row in live:
        by_street.setdefault(row[2], []).append(row)
    merged, abolished, keep = [], [], set()
    for members in by_street.values():
        if len(merged) < rows // 2 and len(members) >= 2:
            successor = members[0]
            keep.add(successor[0])
            merged.extend((c, successor[0]) for c in members[1:3])
    merged = merged[: rows // 2]
    taken = {c[0] for c, _s in merged} | keep
    abolished = [c for c in live if c[0] not in taken][: rows - len(merged)]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TEMPLATE_HEADER_FULL)
    for (code, name, street), successor in merged:
        writer.writerow([code, name, street, "2025-06-30", "合并", successor, "bench"])
    for code, name, street in abolished:
        writer.writerow([code, name, street, "2025-06-30", "撤销", "", "bench"])
    data = buffer.getvalue().encode("utf-8")
    from apps.reports.figures import store

    with transaction.atomic():
        started = time.perf_counter()
        result = community_import(source=io.BytesIO(data), filename="bench-retirements.csv")
        seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    store._pending.units = {}  # the refresh its rolled-back commit would have run (see figure 6)
    if result.errors or not result.applied or len(result.retired) != rows:
        raise RuntimeError(
            f"the retirement import did not apply {rows} retirements: {len(result.retired)} retired,"
            f" errors {[str(e) for e in result.errors[:5]]}"
        )
    return {"seconds": seconds, "rows": rows, "merged": len(merged), "abolished": len(abolished),
            "province": province}  # fmt: skip


RETIREMENT_IMPORT = retirement_import


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
            raise TimeoutError(f"{what} not done within {timeout:.0f} s")
        time.sleep(0.1)
    return time.perf_counter() - started


def annual_compile(year: int, timeout: float) -> dict:
    """The whole annual compile through Celery: per unit, compile its report then render its PDF
    (a chain per unit, the 32 chains in one chord); once all are done, the national snapshot then
    its PDF. Every PDF of the year is marked stale first, so each one is rendered again. Then the
    national snapshot and PDF alone, through the worker, again from a stale PDF."""
    from celery import chain, chord, group
    from django.conf import settings

    from apps.regions.selectors import provincial_units
    from apps.reports import tasks
    from apps.reports.models import AnnualReport, NationalSnapshot
    from greencommunity.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        raise RuntimeError("figure 3 needs REDIS_URL (a real broker for the worker processes)")
    units = list(provincial_units().values_list("code", flat=True))
    results = Path(__file__).resolve().parent.parent / "bench-results"
    import resource

    def children_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    # "On a quiet machine" (3d) is the load before the compile: the compile's own two processes
    # raise the load average to about 2 by its end on any machine.
    load_before = round(os.getloadavg()[0], 1)
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
        try:
            total = _wait(all_done, started, timeout, "the annual compile")
        except TimeoutError:
            app.control.purge()  # what is still queued must not run in the next bench's worker
            raise

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
    load = round(os.getloadavg()[0], 1)
    return {
        "total": total,
        "national_pdf": national,
        "worker_cpu_s": round(worker_cpu, 1),
        "load_before": load_before,
        "load": load,
        "quiet": load_before < 1,
        **sizes,
    }


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
    from apps.reports.figures import store
    from apps.reports.models import NationalSnapshot

    if not NationalSnapshot.objects.filter(year=context.year).exists():
        store.national_snapshot_compile(year=context.year)
    return f"/reports/national/{context.year}/"


REVIEW_QUEUE_COUNTY_PATH = review_queue_county_path  # first-level review queue of the largest county
REVIEW_QUEUE_PROVINCE_PATH = review_queue_province_path  # province review queue of the largest province
NATIONAL_DASHBOARD_PATH = national_dashboard_path  # the ministry's national dashboard


# --- Figure 5: the national CSV export ---------------------------------------------------------

# A fresh process (bench/export_national.py) that serves GET /communities/export/communities.csv
# for the ministry through the portal's URLconf and middleware, reading the whole streamed body.
NATIONAL_EXPORT_ARGV = [sys.executable, "bench/export_national.py"]
