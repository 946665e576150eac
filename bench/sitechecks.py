"""Figure 13 of `make bench` (issue 23): drawing the site-check sample of the largest province.

Every assessment of the province's `year` that left draft is made *proposed* inside a transaction
that is rolled back at the end (the benchmark data has no naming procedure), an inspection plan is
set with per-district rules (the first five districts sample a fixed number, the others 10 %, at
least one each), forced inclusions (confirmed totals near the pass mark, unexplained integrity
flags) and risk weights; then 13a times the preview (candidates with their flags and weights in
one query, then the draw) and 13b the recorded draw (the same, plus the Draw and its entries
written). Goal: < 1 s. Run it on a copy of the benchmark database (it writes, then rolls back).
"""

import time

from django.db import transaction

from bench.figures import Row, _ms
from bench.targets import _largest_province

GOAL_S = 1.0


class _Rollback(Exception):
    pass


def sitechecks_rows(year: int, say) -> list[Row]:
    rows: list[Row] = []
    try:
        with transaction.atomic():
            _measure(year, say, rows)
            raise _Rollback
    except _Rollback:
        pass
    return rows


def _measure(year: int, say, rows: list[Row]) -> None:
    from apps.accounts.models import Role, User
    from apps.assessments.models import Assessment, State
    from apps.regions.models import Region
    from apps.sitechecks import sampling, selectors, services

    province = _largest_province()
    frame = Assessment.objects.filter(province_id=province, year=year).exclude(state=State.DRAFT)
    size = frame.update(state=State.PROPOSED)
    staff = User.objects.create(username="bench-sitechecks", role=Role.PROVINCE, region_id=province)
    districts = list(Region.objects.filter(province_id=province, level="county").order_by("code")[:5])
    rules = "; ".join(f"{d.code[:6]}:count:3" for d in districts)
    plan = services.plan_set(
        user=staff,
        province_id=province,
        year=year,
        rule="percent",
        value=10,
        district_rules=rules,
        margin="2",
        force_flagged=True,
        flag_weight="2",
        seed="bench",
    )
    say(f"  {size} proposed assessments of {province} in {year}")
    started = time.perf_counter()
    picked = sampling.draw(selectors.candidates(plan), seed=plan.seed, spec=selectors.spec_of(plan))
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    draw = services.sample_draw(user=staff, plan=plan)
    draw_s = time.perf_counter() - started
    details = {"population": size, "sample": len(picked), "forced": sum(p.reason != "drawn" for p in picked)}
    assert [p.candidate.code for p in picked] == draw.codes  # the same seed, the same list
    for name, seconds in (
        ("13a sample preview (largest province)", preview_s),
        ("13b sample draw, recorded", draw_s),
    ):
        rows.append(Row(name, _ms(seconds), goal=f"< {GOAL_S:.0f} s", met=seconds < GOAL_S, details=details))
