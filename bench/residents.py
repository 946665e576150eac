"""Figure 10 (issue 26 rows): the resident page of one community (apps.residents) read by 200
concurrent anonymous readers against the trivial view (/healthz) at the same concurrency, and the QR posters of
the largest district (浦东新区, 1,168 communities in the national registry) as one PDF, timed as the
worker renders them (services.poster_job_run without the queue). Bounded in requests and time."""

import time

from bench.figures import PAGE_P95_RATIO_GOAL, Row, Server, measure

READERS = 200
PUDONG = "310115000000"
POSTER_GOAL_S = 30


def _community_with_assessment(year: int) -> str:
    from apps.assessments.models import Assessment, State

    return (
        Assessment.objects.filter(year=year, state=State.APPROVED)
        .order_by("community_id")
        .values_list("community_id", flat=True)
        .first()
    )


def resident_page(*, results_dir, workers: int, year: int, readers: int = READERS) -> list[Row]:
    code = _community_with_assessment(year)
    path = f"/r/{code}/"
    rows = []
    with Server(workers, results_dir / "gunicorn-residents.log") as server:
        # Anonymous readers: the floor is /healthz (the trivial view needs a session), as for the
        # public batch page above.
        floor = measure(server, "/healthz", [None], clients=readers, per_client=5)
        result = measure(server, path, [None], clients=readers, per_client=5)
        ratio = result["p95_ms"] / floor["p95_ms"]
        rows.append(
            Row(
                f"10. resident page of one community ({readers} concurrent anonymous)",
                f"median {result['median_ms']:.1f} / p95 {result['p95_ms']:.1f} ms",
                floor=f"/healthz p95 {floor['p95_ms']:.1f} ms",
                ratio=ratio,
                goal=f"p95 <= {PAGE_P95_RATIO_GOAL:g}x trivial",
                met=ratio <= PAGE_P95_RATIO_GOAL,
                details={**result, "path": path, "floor": floor},
            )
        )
    return rows


def pudong_posters() -> Row:
    from apps.regions.models import Region
    from apps.residents import posters, services

    region = Region.objects.get(pk=PUDONG)
    communities = list(
        services.area_communities(region).select_related("street", "county", "city", "province")
    )
    started, cpu = time.perf_counter(), time.process_time()
    pdf = posters.render_many(communities, base_url="https://lvse.example.gov.cn/")
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu
    return Row(
        f"10. QR posters of 浦东新区 ({len(communities):,} communities) as one PDF",
        f"{seconds:.1f} s ({cpu_seconds:.1f} s CPU, {len(pdf) / 1e6:.1f} MB)",
        goal=f"< {POSTER_GOAL_S} s",
        met=seconds < POSTER_GOAL_S,
        details={"communities": len(communities), "seconds": seconds, "cpu_seconds": cpu_seconds},
    )
