"""Where a bench page's time goes: pyinstrument over N requests of each of the six pages of
figure 4, in one process with the bench (production) settings, through the portal's URLconf and
middleware (Django's test client, session cookie as the bench's clients send it).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gc_bench python bench/profile_pages.py [--requests 30]

Prints, per page, the wall time per request and pyinstrument's tree (frames over 2 %), and writes
bench-results/profile-<n>.txt. The numbers behind "top costs" in docs/benchmarks.md.
"""

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--year", type=int, default=2022)
    parser.add_argument("--only", default="", help="profile only the pages whose name contains this")
    args = parser.parse_args(argv)
    from bench.run import RESULTS, refuse_without_postgresql, setup_django

    refuse_without_postgresql()
    setup_django()
    from django.conf import settings
    from django.test import Client
    from pyinstrument import Profiler

    from bench import figures

    context = figures.page_context(1, args.year)
    RESULTS.mkdir(exist_ok=True)
    for number, (name, role, path, _issue) in enumerate(figures.pages(context), start=1):
        if path is None or args.only not in name:
            continue
        client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.cookies[settings.SESSION_COOKIE_NAME] = context.sessions[role][0]
        for _ in range(3):
            assert client.get(path).status_code == 200, path
        profiler = Profiler(interval=0.0005)
        started = time.perf_counter()
        profiler.start()
        for _ in range(args.requests):
            client.get(path)
        profiler.stop()
        per_request = (time.perf_counter() - started) / args.requests * 1000
        text = profiler.output_text(unicode=True, color=False, show_all=False, time="percent_of_total")
        header = f"## {name}: {path} ({per_request:.1f} ms per request, {args.requests} requests)\n"
        (RESULTS / f"profile-{number}.txt").write_text(header + text, encoding="utf-8")
        print(header, flush=True)
        print(text, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
