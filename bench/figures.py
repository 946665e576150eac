"""The measurements of `make bench`. Each returns a Row (or rows): measured, floor, ratio, goal, met.

Every figure is measured against its floor in the same run, so the ratio holds on a noisy
machine. Figures whose feature is not in the branch yet come out as "pending (issue N)" rows;
bench/hooks.py is where they plug in.
"""

import gzip
import http.client
import io
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import import_module
from io import StringIO
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction

from bench import hooks

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = ROOT / "fixtures" / "divisions" / "residents-committees.csv.gz"
PAGE_P95_RATIO_GOAL = 3.0
PAGE_P95_SEQ_GOAL_MS = 150.0
ANNUAL_GOAL_S = 60  # issue 15 (was 90 s)
ANNUAL_GOAL = f"< {ANNUAL_GOAL_S} s"
# Issue 29's goals: the annual compile's worker CPU and its wall time on a quiet machine; the
# registry import and the compile against their floors in the median of three runs.
ANNUAL_CPU_GOAL_S = 35
ANNUAL_QUIET_GOAL_S = 45
IMPORT_MEDIAN_GOAL = 20
COMPILE_MEDIAN_GOAL = 1.5
ANNUAL_TIMEOUT_S = 300.0
DECISION_GOAL_S = 1.0
RETIREMENT_ROWS = 1000
RETIREMENT_GOAL_S = 5.0


@dataclass
class Row:
    figure: str
    measured: str
    floor: str = ""
    ratio: float | None = None
    goal: str = ""
    met: bool | None = None  # None: pending or informational
    pending: str = ""
    details: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def pending(figure: str, goal: str, issue: str, *, floor: str = "", details=None) -> Row:
    return Row(figure, f"pending ({issue})", floor=floor, goal=goal, pending=issue, details=details or {})


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# --- 1. Registry import against COPY -------------------------------------------------------


def registry_import() -> list[Row]:
    """import_communities of the national file into an empty registry, against COPY of the same
    rows into a bare table, each the best of three runs. The empty registry is a fresh table of
    the same shape (indexes and foreign keys included) swapped in inside a transaction that is
    rolled back, so the figure is the same on a fresh database and on one that already holds the
    data. Then what the import leaves for after its commit, timed on the last run."""
    raw = gzip.decompress(REGISTRY.read_bytes())
    rows = raw.count(b"\n") - 1
    copies = []
    for _ in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE bench_registry_copy (code text, name text, street_code text, "
                "area_code text, city_code text, province_code text)"
            )
            started = time.perf_counter()
            cursor.cursor.copy_expert(
                "COPY bench_registry_copy FROM STDIN WITH (FORMAT csv, HEADER true)", io.BytesIO(raw)
            )
            copies.append(time.perf_counter() - started)
            cursor.execute("SELECT count(*) FROM bench_registry_copy")
            copied = cursor.fetchone()[0]
            cursor.execute("DROP TABLE bench_registry_copy")
    runs = [_import_into_empty_registry() for _ in range(3)]
    copy_seconds, import_seconds = min(copies), min(run["import_s"] for run in runs)
    last = runs[-1]
    ratio = import_seconds / copy_seconds
    return [
        Row(
            "1. registry import (import_communities, national file) vs COPY",
            f"{import_seconds:.2f} s",
            floor=f"{copy_seconds:.2f} s",
            ratio=ratio,
            goal="<= 30x COPY",
            met=ratio <= 30,
            details={
                "rows": rows,
                "copied": copied,
                "imported": last["imported"],
                "import_runs_s": [round(run["import_s"], 3) for run in runs],
                "copy_runs_s": [round(c, 3) for c in copies],
            },
        ),
        Row(
            "1c. the same, median of three runs vs COPY's median (issue 29)",
            f"{statistics.median(run['import_s'] for run in runs):.2f} s",
            floor=f"{statistics.median(copies):.2f} s",
            ratio=statistics.median(run["import_s"] for run in runs) / statistics.median(copies),
            goal=f"<= {IMPORT_MEDIAN_GOAL}x COPY",
            met=statistics.median(run["import_s"] for run in runs) / statistics.median(copies)
            <= IMPORT_MEDIAN_GOAL,
        ),
        Row(
            "1b. then, after its commit, in the worker: "
            f"{len(last['finished']['built'])} indexes built, "
            f"{len(last['finished']['validated'])} foreign keys validated",
            f"{last['finish_s']:.2f} s",
            goal="(readers and writers go on meanwhile)",
            details=last["finished"],
        ),
    ]


def _import_into_empty_registry() -> dict:
    from apps.communities.registry_import import registry_indexes_finish
    from apps.reports.figures import store

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'communities_community'::regclass AND contype = 'f'"
        )
        foreign_keys = cursor.fetchall()
        cursor.execute("ALTER TABLE communities_community RENAME TO bench_community_saved")
        cursor.execute("CREATE TABLE communities_community (LIKE bench_community_saved INCLUDING ALL)")
        for name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE communities_community ADD CONSTRAINT {name}_bench {definition}")
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'communities_community'")
        indexes_before = {row[0] for row in cursor.fetchall()}
        started = time.perf_counter()
        call_command("import_communities", str(REGISTRY), stdout=StringIO())
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred foreign-key checks, timed
        import_seconds = time.perf_counter() - started
        cursor.execute("SELECT count(*) FROM communities_community")
        imported = cursor.fetchone()[0]
        # What the import leaves for after its commit (the worker builds it concurrently, nobody
        # waits for it): timed here too, inside this transaction, so without CONCURRENTLY.
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'communities_community'")
        deferred = sorted(indexes_before - {row[0] for row in cursor.fetchall()})
        started = time.perf_counter()
        finished = registry_indexes_finish(definitions=deferred)
        finish_seconds = time.perf_counter() - started
        transaction.set_rollback(True)
    store._pending.units = {}  # the refresh its rolled-back commit would have run (see figure 6)
    return {
        "import_s": import_seconds,
        "imported": imported,
        "finish_s": finish_seconds,
        "finished": finished,
    }


# --- 2. Compiling the figures of all units against one SQL query ---------------------------

CRITERION_COUNTS_SQL = """
SELECT a.province_id, c.number, r.rating, count(*)
FROM assessments_response r
JOIN assessments_assessment a ON a.id = r.assessment_id
JOIN standards_criterion c ON c.id = r.criterion_id
WHERE a.year = %s AND a.state <> 'draft'
GROUP BY GROUPING SETS ((a.province_id, c.number, r.rating), (c.number, r.rating))
"""


def criterion_counts_sql(year: int, *, keep_all: bool = False):
    """The floor of figure 2: per-province and national per-criterion rating counts of the
    participating assessments of a year, in one hand-written query (best of three, and the
    number of groups; `keep_all`: the three timings)."""
    timings = []
    for _ in range(3):
        with connection.cursor() as cursor:
            started = time.perf_counter()
            cursor.execute(CRITERION_COUNTS_SQL, [year])
            result = cursor.fetchall()
            timings.append(time.perf_counter() - started)
    if keep_all:
        return timings
    return min(timings), len(result)


def compile_figures(year: int) -> list[Row]:
    floor, groups = criterion_counts_sql(year)
    name = f"2. compile figures of 32 units (one grouped pass) + nation composed ({year}) vs one SQL query"
    if hooks.COMPILE_FIGURES is None:
        return [pending(name, "<= 2x the query", "issue 5", floor=_ms(floor), details={"groups": groups})]
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        hooks.COMPILE_FIGURES(year)
        timings.append(time.perf_counter() - started)
    measured = min(timings)
    ratio = measured / floor
    floors = criterion_counts_sql(year, keep_all=True)
    median, median_floor = statistics.median(timings), statistics.median(floors)
    return [
        Row(name, _ms(measured), floor=_ms(floor), ratio=ratio, goal="<= 2x the query", met=ratio <= 2),
        Row(
            "2b. the same, median of three runs vs the query's median (issue 29)",
            _ms(median),
            floor=_ms(median_floor),
            ratio=median / median_floor,
            goal=f"<= {COMPILE_MEDIAN_GOAL:g}x the query",
            met=median / median_floor <= COMPILE_MEDIAN_GOAL,
        ),
    ]


# --- 3. The annual compile through Celery ----------------------------------------------------


def annual_compile(year: int) -> list[Row]:
    total_name = "3a. annual compile via Celery, 2 workers (32 provincial PDFs + national)"
    national_name = "3b. national PDF alone"
    if hooks.ANNUAL_COMPILE is None:
        return [
            pending(total_name, ANNUAL_GOAL, "issue 5"),
            pending(national_name, "< 15 s", "issue 5"),
        ]
    if not settings.REDIS_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        # Worker processes need a real broker: say so instead of measuring something else.
        return [
            Row(total_name, "not measured (set REDIS_URL)", goal=ANNUAL_GOAL),
            Row(national_name, "not measured (set REDIS_URL)", goal="< 15 s"),
        ]
    try:
        result = hooks.ANNUAL_COMPILE(year, ANNUAL_TIMEOUT_S)
    except TimeoutError as exc:
        # On an overloaded machine: say so in the table and go on with the other figures.
        return [
            Row(total_name, f"not done: {exc}", goal=ANNUAL_GOAL, met=False),
            Row(national_name, "not measured (3a did not finish)", goal="< 15 s"),
        ]
    return [
        Row(
            total_name,
            f"{result['total']:.1f} s (worker CPU {result['worker_cpu_s']:.0f} s)",
            goal=ANNUAL_GOAL,
            met=result["total"] < ANNUAL_GOAL_S,
            details=result,
        ),
        Row(national_name, f"{result['national_pdf']:.1f} s", goal="< 15 s", met=result["national_pdf"] < 15),
        Row(
            "3c. annual compile: CPU of the worker processes (both compiles, start and stop; issue 29)",
            f"{result['worker_cpu_s']:.1f} s",
            goal=f"<= {ANNUAL_CPU_GOAL_S} s",
            met=result["worker_cpu_s"] <= ANNUAL_CPU_GOAL_S,
        ),
        Row(
            "3d. annual compile, wall time (3a) on a quiet machine (issue 29)",
            f"{result['total']:.1f} s at load {result.get('load_before', '?')} before ({result.get('load', '?')} after)",
            goal=f"< {ANNUAL_QUIET_GOAL_S} s (load < 1)",
            met=result["total"] < ANNUAL_QUIET_GOAL_S if result.get("quiet") else None,
        ),
    ]


# --- 4. Page latency under gunicorn -----------------------------------------------------------


@dataclass
class PageContext:
    """Users (with session keys) and the regions the pages are measured for."""

    sessions: dict  # role -> [session keys]
    street: str
    street_county: str
    county: str  # the county with the most communities
    province: str  # the province with the most communities
    search: str
    year: int  # the bench year (figures 2, 3 and the dashboard)


def _session_keys(user, count: int) -> list[str]:
    """Log in by session cookie, as the login view would (one session per concurrent client)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    keys = []
    for _ in range(count):
        session = engine.SessionStore()
        session[SESSION_KEY] = user._meta.pk.value_to_string(user)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def page_context(clients: int, year: int) -> PageContext:
    from django.db.models import Count

    from apps.accounts.models import Role, User
    from apps.communities.models import Community

    largest = lambda field: (  # noqa: E731
        Community.objects.values(field).annotate(n=Count("code")).order_by("-n", field).first()[field]
    )
    street = largest("street_id")
    street_county = Community.objects.filter(street_id=street).values_list("county_id", flat=True).first()
    county, province = largest("county_id"), largest("province_id")
    users = {
        "ministry": dict(role=Role.MINISTRY),
        "province": dict(role=Role.PROVINCE, region_id=province),
        "county": dict(role=Role.CITY, region_id=county),
        "street_county": dict(role=Role.CITY, region_id=street_county),
    }
    sessions = {}
    for key, fields in users.items():
        user, _ = User.objects.update_or_create(
            username=f"bench-{key}", defaults={**fields, "is_active": True, "display_name": f"bench {key}"}
        )
        sessions[key] = _session_keys(user, clients)
    return PageContext(sessions, street, street_county, county, province, search="花园社区", year=year)


def pages(context: PageContext) -> list[tuple[str, str, str | None, str]]:
    """(name, role, path or None, pending issue). Fill the pending ones through bench/hooks.py."""

    def hook(fn):
        return fn(context) if fn else None

    return [
        ("review queue, first level, largest county", "county", hook(hooks.REVIEW_QUEUE_COUNTY_PATH), "issue 4"),
        ("review queue, province, largest province", "province", hook(hooks.REVIEW_QUEUE_PROVINCE_PATH), "issue 4"),
        ("national dashboard", "ministry", hook(hooks.NATIONAL_DASHBOARD_PATH), "issue 5"),
        (
            "community list filtered by street",
            "street_county",
            f"/communities/?county={context.street_county}&street={context.street}",
            "",
        ),
        ("community list, whole nation", "ministry", "/communities/", ""),
        ("community list, name search, whole nation", "ministry", f"/communities/?q={quote(context.search)}", ""),
    ]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gunicorn_threads() -> list[str]:
    """Threaded workers as deployed (docs/scaling.md): a sign-in's hash does not hold the process.
    BENCH_GUNICORN_THREADS=0 measures the sync workers of before issue 29."""
    threads = int(os.environ.get("BENCH_GUNICORN_THREADS", "4"))
    return ["--worker-class", "gthread", "--threads", str(threads)] if threads else []


class Server:
    """gunicorn on loopback with the bench (production) settings."""

    def __init__(self, workers: int, log_path: Path):
        self.port = _free_port()
        self.workers = workers
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "greencommunity.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), *gunicorn_threads(),
             "--timeout", "120", "--log-level", "warning"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited, see {self.log_path}")
            try:
                status, _ = self.get("/bench/trivial", None)
                if status in (200, 302):
                    return self
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def get(self, path: str, session: str | None) -> tuple[int, float]:
        headers = {"Accept-Language": "zh-hans", "Host": "127.0.0.1"}
        if session:
            headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={session}"
        connection_ = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        started = time.perf_counter()
        try:
            connection_.request("GET", path, headers=headers)
            response = connection_.getresponse()
            response.read()
            return response.status, time.perf_counter() - started
        finally:
            connection_.close()


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def measure(server: Server, path: str, sessions: list[str], *, clients: int, per_client: int) -> dict:
    """Median and p95 of GET path; clients=1 is sequential. Bounded in count and in time (60 s)."""
    # Warm every worker thread and its database connection on this page: 16 clients, two requests
    # each. A thread's first view of a page compiles its templates, and its connection's first read
    # of a table loads the table's catalog entries; the trivial view's 16 clients had started every
    # thread, so three sequential requests left most of them cold for the next page, and its
    # sequential p95 was a cold view (the county queue, measured first: 96-150 ms, median 21).
    warm = [
        threading.Thread(target=lambda: [server.get(path, sessions[0]) for _ in range(2)]) for _ in range(16)
    ]
    for t in warm:
        t.start()
    for t in warm:
        t.join()
    samples: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    deadline = time.monotonic() + 60

    def client(session):
        for _ in range(per_client):
            if time.monotonic() > deadline:
                return
            status, seconds = server.get(path, session)
            with lock:
                (samples if status == 200 else errors).append(seconds if status == 200 else status)

    threads = [threading.Thread(target=client, args=(sessions[i % len(sessions)],)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(
            f"{path}: HTTP {sorted(set(errors))} ({len(errors)} of {len(errors) + len(samples)})"
        )
    return {
        "n": len(samples),
        "median_ms": statistics.median(samples) * 1000,
        "p95_ms": _percentile(samples, 0.95) * 1000,
        "throughput_rps": len(samples) / elapsed,
    }


def page_latency(*, results_dir: Path, workers: int, year: int, clients: int = 16) -> list[Row]:
    context = page_context(clients, year)
    rows = []
    with Server(workers, results_dir / "gunicorn.log") as server:
        baseline = {}
        for mode, n_clients, per_client in (("sequential", 1, 60), ("16 concurrent", clients, 12)):
            baseline[mode] = measure(
                server,
                "/bench/trivial",
                context.sessions["ministry"],
                clients=n_clients,
                per_client=per_client,
            )
            rows.append(
                Row(
                    f"4. trivial view ({mode})",
                    f"median {baseline[mode]['median_ms']:.1f} / p95 {baseline[mode]['p95_ms']:.1f} ms",
                    goal="(floor)",
                    details=baseline[mode],
                )
            )
        for name, role, path, issue in pages(context):
            for mode, n_clients, per_client in (("sequential", 1, 40), ("16 concurrent", clients, 8)):
                label = f"4. {name} ({mode})"
                goal = f"p95 <= {PAGE_P95_RATIO_GOAL:g}x trivial" + (
                    f", < {PAGE_P95_SEQ_GOAL_MS:g} ms" if mode == "sequential" else ""
                )
                if path is None:
                    rows.append(pending(label, goal, issue))
                    continue
                result = measure(
                    server, path, context.sessions[role], clients=n_clients, per_client=per_client
                )
                floor = baseline[mode]["p95_ms"]
                ratio = result["p95_ms"] / floor
                met = ratio <= PAGE_P95_RATIO_GOAL and (
                    mode != "sequential" or result["p95_ms"] < PAGE_P95_SEQ_GOAL_MS
                )
                rows.append(
                    Row(
                        label,
                        f"median {result['median_ms']:.1f} / p95 {result['p95_ms']:.1f} ms",
                        floor=f"p95 {floor:.1f} ms",
                        ratio=ratio,
                        goal=goal,
                        met=met,
                        details={**result, "path": path, "role": role},
                    )
                )
        from bench.speed import speed_rows  # issue 29: page mix, sign-in burst, deep pages

        rows.extend(speed_rows(server, context, pages(context), baseline, clients=clients))
    return rows


# --- 5. National CSV export --------------------------------------------------------------------


PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys; "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure_process(argv: list[str]) -> tuple[float, float]:
    """Wall time and peak resident memory (MB) of a command, run under a fresh wrapper process so
    that no earlier child (gunicorn) counts in its peak."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", PEAK_RSS_WRAPPER, *argv], cwd=ROOT, check=True, capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    return seconds, int(result.stdout.strip().splitlines()[-1]) / 1024


def national_export(year: int) -> list[Row]:
    time_name, memory_name = "5a. national CSV export, time", "5b. national CSV export, peak RSS"
    if hooks.NATIONAL_EXPORT_ARGV is None:
        return [pending(time_name, "< 10 s", "issue 6"), pending(memory_name, "< 250 MB", "issue 6")]
    seconds, peak_mb = measure_process([*hooks.NATIONAL_EXPORT_ARGV, "--year", str(year)])
    # Issue 29: the national assessments export (a year's assessments, every criterion pivoted).
    a_seconds, a_peak_mb = measure_process(
        [*hooks.NATIONAL_EXPORT_ARGV, "--year", str(year), "--what", "assessments"]
    )
    return [
        Row(time_name, f"{seconds:.1f} s", goal="< 10 s", met=seconds < 10),
        Row(memory_name, f"{peak_mb:.0f} MB", goal="< 250 MB", met=peak_mb < 250),
        Row(
            "5c. national assessments export (CSV, every criterion), time",
            f"{a_seconds:.1f} s ({a_peak_mb:.0f} MB)",
            goal="< 3 s",
            met=a_seconds < 3,
        ),
    ]


# --- 6. A decision makes its unit's figures current -------------------------------------------


def decision_refresh() -> list[Row]:
    median_name = "6a. a province's approval until its unit's figures + the nation are current (median)"
    max_name = "6b. the same, slowest of 5 decisions"
    goal = f"< {DECISION_GOAL_S:g} s"
    if hooks.DECISION_REFRESH is None:
        return [pending(median_name, goal, "issue 15"), pending(max_name, goal, "issue 15")]
    result = hooks.DECISION_REFRESH(5)
    where = f" ({result['province']}, {result['year']}; refreshes {len(result['years_refreshed'])} years)"
    return [
        Row(
            median_name,
            f"{result['median_s'] * 1000:.0f} ms" + where,
            goal=goal,
            met=result["median_s"] < DECISION_GOAL_S,
            details=result,
        ),
        Row(max_name, f"{result['max_s'] * 1000:.0f} ms", goal=goal, met=result["max_s"] < DECISION_GOAL_S),
    ]


# --- 7. An import of 1,000 retirements ------------------------------------------------------------


def retirement_import() -> Row:
    name = f"7. registry import of {RETIREMENT_ROWS:,} retirements (merged/abolished, dated), rolled back"
    goal = f"< {RETIREMENT_GOAL_S:g} s"
    if hooks.RETIREMENT_IMPORT is None:
        return pending(name, goal, "issue 15")
    result = hooks.RETIREMENT_IMPORT(RETIREMENT_ROWS)
    return Row(
        name,
        f"{result['seconds']:.2f} s",
        goal=goal,
        met=result["seconds"] < RETIREMENT_GOAL_S,
        details=result,
    )


# --- 9. Figures that heal, and their verification -----------------------------------------------

HEAL_GOAL_S = 2.0
VERIFY_GOAL_S = 30.0


def figures_heal_repair(year: int = 2025) -> list[Row]:
    """9a: one unit-year made wrong behind the portal's back (an assessment of the largest province
    approved by SQL, with its historical time and updated_at left alone, as a restore or a hand fix
    would), then ONE run of the healing task (`store.figures_heal`, what beat runs every 5
    minutes): the time until it has found the unit-years whose inputs changed and stored them
    recomputed (with the national figures of those years). Checked against a recount, undone
    after. Also the cost of a run that finds nothing (every beat period, usually)."""
    import datetime as dt
    import zoneinfo

    from apps.assessments.models import Assessment, State
    from apps.reports.figures import compute, store
    from apps.reports.models import UnitFigures

    name = "9a. healing task: find and repair a unit-year changed behind its back (one beat run)"
    idle_name = "9a'. healing task run that finds nothing (every beat period)"
    goal = f"< {HEAL_GOAL_S:g} s"
    store.figures_heal()  # start from current figures
    started = time.perf_counter()
    assert store.figures_heal() == []
    idle_s = time.perf_counter() - started
    province = hooks._largest_province()
    target = (
        Assessment.objects.filter(province_id=province, year=year, state=State.RECOMMENDED)
        .order_by("id")
        .values("id", "state", "approved_at", "review_level")
        .first()
    )
    when = dt.datetime(year, 12, 20, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    before = UnitFigures.objects.get(province_id=province, year=year).summary["totals"]["approved"]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE assessments_assessment SET state = 'approved', approved_at = %s, review_level = '' "
            "WHERE id = %s",
            [when, target["id"]],
        )
    try:
        started = time.perf_counter()
        repaired = store.figures_heal()
        seconds = time.perf_counter() - started
        stored = UnitFigures.objects.get(province_id=province, year=year).summary["totals"]["approved"]
        recount = compute.unit_figures_compute(year=year, province_code=province)["totals"]["approved"]
        if not (stored == recount == before + 1 and (province, year) in repaired):
            raise RuntimeError(f"healing did not repair {province} {year}: {before} {stored} {recount}")
    finally:
        Assessment.objects.filter(pk=target["id"]).update(
            state=target["state"], approved_at=target["approved_at"], review_level=target["review_level"]
        )
        store.figures_heal()
    where = ", ".join(f"{code} {y}" for code, y in repaired)
    return [
        Row(
            name,
            f"{seconds:.2f} s (repaired {where})",
            goal=goal,
            met=seconds < HEAL_GOAL_S,
            details={"seconds": seconds, "repaired": repaired, "idle_s": idle_s},
        ),
        Row(idle_name, f"{idle_s:.2f} s", goal="(within one 5-minute beat period)"),
    ]


def figures_verify_all() -> Row:
    """9b: `manage.py verify_figures` of every stored year 2020-2026 of the nation: every unit's
    stored figures and the national ones against a full recount (fails the bench on a difference)."""
    from apps.reports.figures import fingerprint
    from apps.reports.figures.counts import figure_years

    years = figure_years()
    name = f"9b. verify_figures: every stored figure of {years[0]}-{years[-1]} against a recount"
    started = time.perf_counter()
    problems = fingerprint.figures_verify(years=years)
    seconds = time.perf_counter() - started
    if problems:
        raise RuntimeError("stored figures differ from a recount:\n" + "\n".join(problems[:20]))
    return Row(
        name,
        f"{seconds:.1f} s ({len(years)} years, no difference)",
        goal=f"< {VERIFY_GOAL_S:g} s",
        met=seconds < VERIFY_GOAL_S,
        details={"seconds": seconds, "years": years},
    )


def new_secret() -> str:
    return secrets.token_urlsafe(64)
