"""Issue 29's rows of figure 4, measured on the same gunicorn as the pages and against the same
trivial view: the page mix at saturation, the other pages during a burst of sign-ins, and the
last page of the deepest lists against their first page.
"""

import math
import threading
import time

from bench.figures import Row, _percentile, measure

MIX_GOAL_RPS = 100.0
DEEP_GOAL_RATIO = 2.0


def page_mix(server, context, page_paths, *, clients: int, trivial_rps: float) -> Row:
    """16 clients, no think time, each going round the six bench pages (started at different
    pages): pages per second, and that rate as a share of the trivial view's in the same run."""
    samples: list[float] = []
    lock = threading.Lock()
    per_client = 24

    def client(index):
        for n in range(per_client):
            role, path = page_paths[(index + n) % len(page_paths)]
            status, seconds = server.get(path, context.sessions[role][index % clients])
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            with lock:
                samples.append(seconds)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    rps = len(samples) / (time.perf_counter() - started)
    share = rps / trivial_rps
    return Row(
        f"4a. page mix at saturation ({clients} clients, no think time, the six pages in turn)",
        f"{rps:.0f} pages/s (p95 {_percentile(samples, 0.95) * 1000:.0f} ms)",
        floor=f"trivial {trivial_rps:.0f} req/s",
        ratio=share,
        goal=f">= {MIX_GOAL_RPS:g} pages/s (ratio: share of the trivial rate)",
        met=rps >= MIX_GOAL_RPS,
        details={"rps": rps, "n": len(samples), "trivial_rps": trivial_rps},
    )


def signin_rows(server, context, page_paths) -> list[Row]:
    from bench.signins import GOAL_MS, SIGNINS, signin_burst

    paths = [("ministry", "/bench/trivial"), *page_paths[:2]]
    result = signin_burst(server, context, paths)
    ratio = result["during_p95_ms"] / result["quiet_p95_ms"]
    return [
        Row(
            f"4b. {SIGNINS} simultaneous sign-ins: other pages' p95 (trivial view and the two queues)",
            f"p95 {result['during_p95_ms']:.0f} ms (median {result['during_median_ms']:.0f}; burst "
            f"{result['burst_s']:.1f} s, sign-in p95 {result['signin_p95_ms']:.0f} ms)",
            floor=f"p95 {result['quiet_p95_ms']:.0f} ms without the burst",
            ratio=ratio,
            goal=f"< {GOAL_MS:g} ms",
            met=result["during_p95_ms"] < GOAL_MS,
            details=result,
        )
    ]


def _deep_paths(context) -> list[tuple[str, str, str, str]]:
    """(name, role, first page, last page) of the deepest list and queue."""
    from apps.accounts.models import User
    from apps.assessments.models import State
    from apps.communities.filters import CommunityFilter
    from apps.communities.models import Community
    from apps.review.selectors import QueueFilters, review_queue

    ministry = User.objects.get(username="bench-ministry")
    base = Community.objects.visible_to(ministry)
    communities = (
        CommunityFilter(None, queryset=base, user=ministry).filter_status(base, "status", "").count()
    )
    approved = review_queue(
        user=ministry, filters=QueueFilters(state=State.APPROVED, year=context.year)
    ).count()
    queue = f"/review/?state=approved&year={context.year}"
    return [
        ("community list, whole nation", "ministry", "/communities/", f"/communities/?page={math.ceil(communities / 50)}"),
        (f"national queue, approved {context.year}", "ministry", queue, f"{queue}&page={math.ceil(approved / 50)}"),
    ]  # fmt: skip


def deep_page_rows(server, context) -> list[Row]:
    rows = []
    for name, role, first, last in _deep_paths(context):
        sessions = context.sessions[role]
        a = measure(server, first, sessions, clients=1, per_client=20)
        b = measure(server, last, sessions, clients=1, per_client=20)
        ratio = b["p95_ms"] / a["p95_ms"]
        rows.append(
            Row(
                f"4d. {name}: last page (sequential)",
                f"median {b['median_ms']:.1f} / p95 {b['p95_ms']:.1f} ms",
                floor=f"first page p95 {a['p95_ms']:.1f} ms",
                ratio=ratio,
                goal=f"<= {DEEP_GOAL_RATIO:g}x the first page",
                met=ratio <= DEEP_GOAL_RATIO,
                details={"first": a, "last": b, "path": last},
            )
        )
    return rows


def speed_rows(server, context, pages, baseline, *, clients: int) -> list[Row]:
    page_paths = [(role, path) for _name, role, path, _issue in pages if path]
    return [
        page_mix(
            server,
            context,
            page_paths,
            clients=clients,
            trivial_rps=baseline["16 concurrent"]["throughput_rps"],
        ),
        *signin_rows(server, context, page_paths),
        *deep_page_rows(server, context),
    ]
