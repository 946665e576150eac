"""Figure 10: the public page of a 1,603-community batch (山东's first provincial batch, issue 22)
read by 200 concurrent anonymous readers, against the trivial view at the same concurrency.

The batch is written directly into the bench database (a copy: proposed assessments of the
largest provincial unit's year, a published batch, its entries), once; the run is bounded in
requests and in time (apps measured through bench.figures.Server and measure)."""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from bench.figures import PAGE_P95_RATIO_GOAL, Row, Server, measure

BATCH_SIZE = 1_603
READERS = 200
TITLE = "bench: 第一批拟认定名单（1,603个社区）"


@transaction.atomic
def naming_batch(year: int) -> int:
    """The bench batch of 1,603 proposed communities of one unit and year (made once)."""
    from django.db.models import Count

    from apps.assessments.models import Assessment, State
    from apps.naming.models import Batch, BatchEntry, NamingProcedure
    from apps.naming.procedure import BatchState, EntryState

    existing = Batch.objects.filter(title=TITLE).first()
    if existing is not None:
        return existing.pk
    province = (
        Assessment.objects.filter(year=year, state=State.APPROVED)
        .values("province_id")
        .annotate(n=Count("id"))
        .filter(n__gte=BATCH_SIZE)
        .order_by("-n")
        .values_list("province_id", flat=True)
        .first()
    )
    ids = list(
        Assessment.objects.filter(year=year, state=State.APPROVED, province_id=province)
        .order_by("city_id", "county_id", "community_id")
        .values_list("id", flat=True)[:BATCH_SIZE]
    )
    now = timezone.now()
    Assessment.objects.filter(pk__in=ids).update(state=State.PROPOSED, proposed_at=now, approved_at=None)
    NamingProcedure.objects.get_or_create(province_id=province, year=year, defaults={"set_at": now})
    today = timezone.localdate()
    number = (Batch.objects.filter(province_id=province, year=year).count() or 0) + 1
    batch = Batch.objects.create(
        province_id=province,
        year=year,
        number=number,
        title=TITLE,
        state=BatchState.PUBLISHED,
        notice_start=today,
        notice_end=today + dt.timedelta(days=7),
        published_at=now,
    )
    BatchEntry.objects.bulk_create(
        [BatchEntry(batch=batch, assessment_id=pk, state=EntryState.LISTED) for pk in ids]
    )
    return batch.pk


def public_batch_page(*, results_dir, workers: int, year: int, readers: int = READERS) -> list[Row]:
    batch_id = naming_batch(year)
    path = f"/public/batches/{batch_id}/"
    rows = []
    with Server(workers, results_dir / "gunicorn-naming.log") as server:
        floor = measure(server, "/healthz", [None], clients=readers, per_client=5)
        rows.append(
            Row(
                f"10. /healthz ({readers} concurrent anonymous)",
                f"median {floor['median_ms']:.1f} / p95 {floor['p95_ms']:.1f} ms",
                goal="(floor)",
                details=floor,
            )
        )
        result = measure(server, path, [None], clients=readers, per_client=5)
        ratio = result["p95_ms"] / floor["p95_ms"]
        rows.append(
            Row(
                f"10. public batch page, {BATCH_SIZE:,} communities ({readers} concurrent anonymous)",
                f"median {result['median_ms']:.1f} / p95 {result['p95_ms']:.1f} ms",
                floor=f"p95 {floor['p95_ms']:.1f} ms",
                ratio=ratio,
                goal=f"p95 <= {PAGE_P95_RATIO_GOAL:g}x trivial",
                met=ratio <= PAGE_P95_RATIO_GOAL,
                details={**result, "path": path, "batch_id": batch_id},
            )
        )
    return rows
