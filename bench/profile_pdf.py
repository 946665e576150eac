"""Where a PDF's time goes: renders provincial PDFs of the annual compile (and the national one)
in one process, as a Celery worker process renders them one after the other, and prints the CPU
time (time.process_time) of each with the load average; with --profile, pyinstrument's tree of
the renders after the first (frames over 1 %), written to bench-results/profile-pdf.txt.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gc_bench python bench/profile_pdf.py [--count 6] [--profile]

The reports are compiled first where missing (the PDF is rendered from the stored snapshot only:
compiling is not measured). With --out DIR the PDFs are written there (to compare them page by
page with pdftoppm before and after a change).
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--count", type=int, default=6, help="provincial PDFs (largest first)")
    parser.add_argument("--national", action="store_true", help="render the national PDF too")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--out", default="", help="write the PDFs into this directory")
    args = parser.parse_args(argv)
    from bench.run import RESULTS, refuse_without_postgresql, setup_django

    refuse_without_postgresql()
    setup_django()
    from django.db.models import Count

    from apps.communities.models import Community
    from apps.reports import pdf, services
    from apps.reports.models import AnnualReport, NationalSnapshot

    codes = list(
        Community.objects.values("province_id")
        .annotate(n=Count("code"))
        .order_by("-n", "province_id")
        .values_list("province_id", flat=True)[: args.count]
    )
    reports = []
    for code in codes:
        report = AnnualReport.objects.filter(province_id=code, year=args.year).first()
        if report is None or not report.compiled_at:
            report = services.annual_report_compile(province_code=code, year=args.year)
        reports.append(AnnualReport.objects.select_related("province").get(pk=report.pk))
    snapshot = None
    if args.national:
        snapshot = NationalSnapshot.objects.filter(year=args.year).first()
        if snapshot is None:
            snapshot = services.national_snapshot_compile(year=args.year)
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)
    profiler = None
    total = 0.0
    jobs = [(r.province_id, lambda r=r: pdf.render_annual_report(r)) for r in reports]
    if snapshot is not None:
        jobs.append(("national", lambda: pdf.render_national(snapshot)))
    for number, (name, render) in enumerate(jobs):
        if number == 1 and args.profile:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.001)
            profiler.start()
        cpu, wall = time.process_time(), time.perf_counter()
        content = render()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        total += cpu
        if out:
            (out / f"{name}.pdf").write_bytes(content)
        print(
            f"{name}: CPU {cpu:.2f} s, wall {wall:.2f} s, {len(content) // 1024} KB, "
            f"load {os.getloadavg()[0]:.1f}",
            flush=True,
        )
    print(f"total CPU {total:.2f} s for {len(jobs)} PDFs", flush=True)
    if profiler is not None:
        profiler.stop()
        text = profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total")
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / "profile-pdf.txt").write_text(text, encoding="utf-8")
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
