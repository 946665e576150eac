"""`make bench`: the national-scale benchmark (PostgreSQL only; not part of `make test`).

On a fresh database it migrates, imports the national registry (126,800 communities) and
generates the campaign years 2020-2025 (generate_campaigns --seed 42); then it measures each
figure against its floor in the same run, prints a table and writes bench-results/latest.json
(and the query plans of the heaviest queries to bench-results/plans.txt).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/greencommunity python bench/run.py [--figures 1,4,9]
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench-results"
SEED = 42


def refuse_without_postgresql() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        sys.stderr.write(
            "make bench measures the portal at national scale and needs PostgreSQL:\n"
            "set DATABASE_URL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/greencommunity make bench\n"
            "(use a database of its own: the bench loads 126,800 communities and six campaign years).\n"
        )
        raise SystemExit(2)


def setup_django() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    from bench.figures import new_secret

    # Production settings refuse to start without a secret; the bench server gets a throwaway one.
    if len(os.environ.get("DJANGO_SECRET_KEY", "")) < 50:
        os.environ["DJANGO_SECRET_KEY"] = new_secret()
    # Production settings also refuse to start without the keys of personal data. The bench
    # database holds generated data only: one fixed key (not a secret) keeps it readable across
    # runs; the gunicorn and Celery processes the figures start inherit it.
    os.environ.setdefault("PERSONAL_DATA_KEYS", "YmVuY2gtb25seS1rZXktbm90LWEtc2VjcmV0LTAwMDA=")
    import django

    django.setup()


def compile_sources() -> None:
    """The project's modules compiled to bytecode once, as the production image does (Dockerfile):
    this machine, like the image, sets PYTHONDONTWRITEBYTECODE, so otherwise every process the
    bench starts (gunicorn workers, the Celery worker and its pool, the exports' fresh processes)
    would compile some 400 modules again (0.1-0.2 s of CPU each, counted in figures 3c and 5)."""
    import compileall

    for name in ("apps", "greencommunity", "bench"):
        compileall.compile_dir(ROOT / name, quiet=1)


def prepare_data(say, *, campaigns: bool = True) -> dict:
    """Migrate, import and generate what is missing. Returns timings of what was done."""
    from django.core.management import call_command

    from apps.assessments.models import Assessment
    from apps.communities.models import Community
    from bench.figures import REGISTRY

    timings = {}
    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    timings["migrate_s"] = time.perf_counter() - started
    if Community.objects.count() < 126_800:
        say("importing the national registry ...")
        started = time.perf_counter()
        call_command("import_communities", str(REGISTRY), stdout=StringIO())
        timings["initial_import_s"] = time.perf_counter() - started
    if campaigns and not Assessment.objects.exists():
        say("generating the campaign years 2020-2025 (a few minutes) ...")
        started = time.perf_counter()
        call_command("generate_campaigns", "--seed", str(SEED), stdout=StringIO())
        timings["generate_campaigns_s"] = time.perf_counter() - started
    if "initial_import_s" in timings or "generate_campaigns_s" in timings:
        # The data was (re)built by raw SQL that drops no cached read's version: the shared cache
        # (Redis, as deployed) may hold values of a database of before. Start from an empty one.
        from django.core.cache import cache

        cache.clear()
    from django.db import connection

    # What autovacuum would do by itself a little later: statistics and the visibility map
    # (index-only scans for counts), so the figures do not depend on when it last ran.
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ("communities_community", "assessments_assessment", "django_session"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    timings["vacuum_s"] = time.perf_counter() - started
    return timings


def machine() -> dict:
    from django.db import connection

    memory_kb = 0
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
        counts = {}
        for table in (
            "communities_community",
            "assessments_assessment",
            "assessments_response",
            "assessments_evidence",
            "assessments_assessmentevent",
        ):
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "load_average_at_start": load,
        "python": platform.python_version(),
        "postgresql": pg_version,
        "rows": counts,
    }


def query_plans(year: int) -> str:
    """EXPLAIN ANALYZE of the heaviest queries behind the pages and aggregates."""
    from django.db import connection
    from django.db.models import Count

    from apps.accounts.models import User
    from apps.assessments.models import Assessment
    from apps.communities.models import Community
    from bench.figures import CRITERION_COUNTS_SQL

    ministry = User.objects.get(username="bench-ministry")
    street = Community.objects.values("street_id").annotate(n=Count("code")).order_by("-n", "street_id")[0]
    base = Community.objects.visible_to(ministry).with_regions().order_by("code")
    from apps.assessments.models import Response, State
    from apps.review.selectors import QueueFilters, review_queue

    county_user = User.objects.get(username="bench-county")
    province_user = User.objects.get(username="bench-province")
    biggest = (
        Community.objects.values("province_id").annotate(n=Count("code")).order_by("-n")[0]["province_id"]
    )
    plans = {
        "review queue, first level, largest county (page 1)": review_queue(
            user=county_user, filters=QueueFilters(state=State.SUBMITTED, year=2025)
        )[:50],
        "review queue, province, largest province (page 1)": review_queue(
            user=province_user, filters=QueueFilters(state=State.RECOMMENDED, year=2025)
        )[:50],
        f"compile: per-criterion counts of the largest province ({year})": Response.objects.filter(
            assessment__in=Assessment.objects.filter(province_id=biggest, year=year)
            .exclude(state=State.DRAFT)
            .values("id")
        )
        .order_by()
        .values("criterion__number")
        .annotate(n=Count("id")),
        "community list, name search nationally (page 1)": base.filter(name__icontains="花园社区")[:50],
        "community list, name search nationally (count)": base.filter(name__icontains="花园社区").order_by(),
        "community list, code prefix nationally (page 1)": base.filter(code__startswith="4403")[:50],
        "community list filtered by street (page 1)": base.filter(street_id=street["street_id"])[:50],
        "community list, whole nation (page 1)": base[:50],
        "per-province state counts for a year": Assessment.objects.filter(year=year)
        .order_by()
        .values("province_id", "state")
        .annotate(n=Count("id")),
    }
    out = []
    for title, qs in plans.items():
        if title.endswith("(count)"):
            sql, params = qs.values("code").query.sql_with_params()
            sql, params = f"SELECT count(*) FROM ({sql}) t", params  # noqa: S608
        else:
            sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute(f"EXPLAIN {sql}", params)
        out.append(
            f"### {title}\n\n```sql\n{cursor.mogrify(sql, params).decode()}\n```\n\n```\n{plan}\n```\n"
        )
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {CRITERION_COUNTS_SQL}", [year])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    out.append(
        f"### per-province, per-criterion rating counts ({year}, floor of figure 2)\n\n"
        f"```sql\n{CRITERION_COUNTS_SQL.strip()}\n```\n\n```\n{plan}\n```\n"
    )
    return "\n".join(out)


def format_table(rows) -> str:
    headers = ["figure", "measured", "floor", "ratio", "goal", "met?"]
    lines = []
    for r in rows:
        met = "pending" if r.pending else ("-" if r.met is None else ("yes" if r.met else "NO"))
        ratio = "" if r.ratio is None else f"{r.ratio:.1f}x"
        lines.append([r.figure, r.measured, r.floor, ratio, r.goal, met])
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *lines, strict=False)]
    fmt = " | ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*headers), "-+-".join("-" * w for w in widths)]
    out += [fmt.format(*line) for line in lines]
    return "\n".join(out)


def markdown_table(rows) -> str:
    out = ["| figure | measured | floor | ratio | goal | met? |", "|---|---|---|---|---|---|"]
    for r in rows:
        met = "pending" if r.pending else ("—" if r.met is None else ("yes" if r.met else "**no**"))
        ratio = "" if r.ratio is None else f"{r.ratio:.1f}x"
        out.append(f"| {r.figure} | {r.measured} | {r.floor} | {ratio} | {r.goal} | {met} |")
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--figures",
        default="1,2,3,4,5,6,7,8,9,10",
        help="which figures to run, e.g. 1,4 (11, integrity, 12, targets and what-if, and 13, site-check sample, write into the bench database: only when asked)",
    )
    parser.add_argument("--year", type=int, default=2022, help="campaign year of figures 2, 3 and the plans")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default 2 x cores)")
    parser.add_argument("--no-plans", action="store_true", help="skip EXPLAIN ANALYZE of the heavy queries")
    args = parser.parse_args(argv)
    refuse_without_postgresql()
    compile_sources()
    setup_django()

    from bench import figures

    def say(text):
        print(text, flush=True)

    RESULTS.mkdir(exist_ok=True)
    started = time.perf_counter()
    wanted = {int(x) for x in args.figures.split(",") if x.strip()}
    # Figures 1 and 6 need the registry only, not the campaign years.
    setup = prepare_data(say, campaigns=bool(wanted - {1, 8}))
    facts = machine()
    say(
        f"machine: {facts['cores']} cores, {facts['memory_gb']} GB, PostgreSQL {facts['postgresql']}, "
        f"load {facts['load_average_at_start']}; rows: {facts['rows']}"
    )
    workers = args.workers or 2 * (os.cpu_count() or 1)
    rows = []
    if 1 in wanted:
        say("figure 1: registry import vs COPY ...")
        rows.extend(figures.registry_import())
    if 2 in wanted:
        say("figure 2: compile figures vs one SQL query ...")
        rows.extend(figures.compile_figures(args.year))
    if 3 in wanted:
        say("figure 3: the annual compile through Celery (2 worker processes) ...")
        rows.extend(figures.annual_compile(args.year))
    if 4 in wanted:
        say(f"figure 4: page latency under gunicorn ({workers} workers) ...")
        rows.extend(figures.page_latency(results_dir=RESULTS, workers=workers, year=args.year))
    if 5 in wanted:
        say("figure 5: the national CSV export ...")
        rows.extend(figures.national_export(args.year))
    if 6 in wanted:
        say("figure 6: a province's approval until the figures are current (5 decisions, undone) ...")
        rows.extend(figures.decision_refresh())
    if 7 in wanted:
        say("figure 7: registry import of 1,000 retirements (rolled back) ...")
        rows.append(figures.retirement_import())
    if 8 in wanted:
        from bench.accounts import bulk_accounts

        say("figure 8: bulk creation of community accounts (one county, the nation) ...")
        rows.extend(bulk_accounts())
    if 9 in wanted:
        say("figure 9: the healing task repairs a unit-year changed behind its back; verify_figures ...")
        rows.extend(figures.figures_heal_repair())
        rows.append(figures.figures_verify_all())
    if 10 in wanted:
        from bench.naming import public_batch_page

        say(
            f"figure 10: the public page of a 1,603-community batch, 200 anonymous readers ({workers} workers) ..."
        )
        rows.extend(public_batch_page(results_dir=RESULTS, workers=workers, year=args.year))
        from bench.residents import pudong_posters, resident_page

        say("figure 10: the resident page of one community, 200 anonymous readers; 浦东新区's posters ...")
        rows.extend(resident_page(results_dir=RESULTS, workers=workers, year=args.year))
        rows.append(pudong_posters())
    if 11 in wanted:
        from bench.integrity import integrity_rows

        say(f"figure 11: integrity backfill of the whole database and flag lookups in {args.year} ...")
        rows.extend(integrity_rows(args.year, say))
    if 12 in wanted:
        from bench.targets import targets_rows

        say(
            f"figure 12: actual vs target ({args.year}) and the what-if of a draft standard (rolled back) ..."
        )
        rows.extend(targets_rows(args.year, say))
    if 13 in wanted:
        from bench.sitechecks import sitechecks_rows

        say(f"figure 13: the site-check sample of the largest province ({args.year}, rolled back) ...")
        rows.extend(sitechecks_rows(args.year, say))
    plans = ""
    if not args.no_plans and 4 in wanted:
        say("query plans ...")
        plans = query_plans(args.year)
        (RESULTS / "plans.md").write_text(plans, encoding="utf-8")

    table = format_table(rows)
    print()
    print(table)
    result = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": facts,
        "setup": setup,
        "gunicorn_workers": workers,
        "year": args.year,
        "figures": [r.as_dict() for r in rows],
        "markdown": markdown_table(rows),
        "seconds": round(time.perf_counter() - started, 1),
    }
    (RESULTS / "latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nwritten {RESULTS / 'latest.json'}" + (f" and {RESULTS / 'plans.md'}" if plans else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
