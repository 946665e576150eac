import pytest

from apps.core.errors import ConflictError
from apps.integrity.models import Flag, FlagKind
from apps.sitechecks import sampling, selectors, services
from apps.sitechecks.models import SampleEntry

from .conftest import HUANGPU, XUHUI


def candidates(n=40, counties=("A", "B", "C")):
    return [sampling.Candidate(i, f"{i:012d}", counties[i % len(counties)]) for i in range(n)]


def codes(picked):
    return [p.candidate.code for p in picked]


def test_same_seed_same_sample_whatever_the_order():
    spec = sampling.RuleSpec("percent", 20)
    rows = candidates()
    first = sampling.draw(rows, seed="abc", spec=spec)
    again = sampling.draw(list(reversed(rows)), seed="abc", spec=spec)
    assert codes(first) == codes(again)
    assert codes(sampling.draw(rows, seed="other", spec=spec)) != codes(first)


def test_quota_per_district_with_minimum_one_and_district_rules():
    rows = candidates(30) + [sampling.Candidate(99, "000000000099", "D")]
    spec = sampling.RuleSpec(
        "percent", 20, True, {"B": {"rule": "count", "value": 5}, "C": {"rule": "all", "value": 0}}
    )
    picked = sampling.draw(rows, seed="x", spec=spec)
    per = {}
    for p in picked:
        per[p.candidate.county_id] = per.get(p.candidate.county_id, 0) + 1
    assert per == {"A": 2, "B": 5, "C": 10, "D": 1}


def test_forced_candidates_are_in_and_count_towards_the_quota():
    rows = candidates(10, counties=("A",))
    rows[3] = sampling.Candidate(3, rows[3].code, "A", forced=("objection",))
    picked = sampling.draw(rows, seed="x", spec=sampling.RuleSpec("count", 2))
    assert len(picked) == 2
    assert {p.reason for p in picked if p.candidate.assessment_id == 3} == {"objection"}


def test_weights_raise_the_chance():
    heavy = [sampling.Candidate(i, f"{i:012d}", "A", weight=50.0 if i < 5 else 1.0) for i in range(50)]
    hits = 0
    for seed in range(40):
        picked = sampling.draw(heavy, seed=str(seed), spec=sampling.RuleSpec("count", 5))
        hits += sum(1 for p in picked if p.candidate.assessment_id < 5)
    assert hits > 40 * 5 * 0.6


def test_draw_is_recorded_and_repeats(drawn, plan, province_user, proposed):
    assert drawn.seed == "s-2026" and drawn.population == 12
    assert drawn.rule["rule"] == "percent"
    # 25 % of 8 in 徐汇区 = 2, of 4 in 黄浦区 = 1.
    entries = SampleEntry.objects.filter(draw=drawn)
    assert entries.filter(county_id=XUHUI).count() == 2
    assert entries.filter(county_id=HUANGPU).count() == 1
    again = services.sample_draw(user=province_user, plan=plan)
    assert again.codes == drawn.codes
    assert plan.draws.count() == 2


def test_integrity_flags_force_inclusion(plan, province_user, proposed):
    target = proposed[5]
    response = target.responses.first()
    if response is None:
        from apps.assessments.models import Response
        from apps.standards.models import Criterion

        response = Response.objects.create(
            assessment=target, criterion=Criterion.objects.filter(standard_id=target.standard_id).first()
        )
    Flag.objects.create(assessment=target, response=response, kind=FlagKind.NOT_COMPARABLE, key="t:1")
    plan.force_flagged = True
    plan.save()
    picked = {p.candidate.assessment_id: p.reason for p in selectors.preview(plan)}
    assert picked.get(target.pk) == "flag"


def test_no_redraw_once_handed_out(assignment, plan, province_user):
    with pytest.raises(ConflictError):
        services.sample_draw(user=province_user, plan=plan)
