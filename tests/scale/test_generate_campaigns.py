"""generate_campaigns on a small real province (宁夏, 660 communities): rules, chain, determinism."""

from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from apps.assessments.models import Assessment, AssessmentEvent, Evidence, Rating, Response, State
from apps.assessments.services import validate_answer
from apps.communities.registry_import import community_import
from apps.core.errors import ServiceError
from apps.review.models import Demonstration
from bench.management.commands.generate_campaigns import LAST_YEAR

REGISTRY = settings.BASE_DIR / "fixtures" / "divisions" / "residents-committees.csv.gz"
NINGXIA = "640000000000"


@pytest.fixture
def ningxia(db):
    community_import(source=REGISTRY, province="64")


def generate(*args):
    out = StringIO()
    call_command("generate_campaigns", "--seed", "42", "--province", "64", *args, stdout=out)
    return out.getvalue()


def signature() -> list:
    """Everything generated, without database ids (which depend on what the table held before)."""
    assessments = list(
        Assessment.objects.order_by("community_id", "year").values_list(
            "community_id",
            "year",
            "state",
            "round",
            "created_at",
            "submitted_at",
            "approved_at",
            "revoked_at",
        )
    )
    responses = list(
        Response.objects.order_by("assessment__community_id", "assessment__year", "criterion__number")
        .values_list("rating", "figure", "verdict", "updated_at")
    )  # fmt: skip
    evidence = sorted(Evidence.objects.values_list("sha256", "size", "kind", "original_name"))
    events = list(
        AssessmentEvent.objects.order_by("assessment__community_id", "assessment__year", "at", "id")
        .values_list("action", "at", "actor_role", "reason")
    )  # fmt: skip
    return [assessments, responses, evidence, events]


def test_generated_years_follow_the_rules(ningxia):
    output = generate()
    assert "generated" in output
    assessments = Assessment.objects.filter(province_id=NINGXIA)
    total = assessments.count()
    assert 400 < total < 1000  # 660 communities over six years

    # Every state occurs, in plausible proportions.
    states = Counter(assessments.values_list("state", flat=True))
    assert states[State.APPROVED] > 0.6 * total
    for state in (State.DRAFT, State.RETURNED, State.REVOKED, State.SUBMITTED, State.RECOMMENDED):
        assert 0 < states[state] < 0.2 * total, state
    # Queues only in the open (last) year.
    assert not assessments.filter(state__in=[State.SUBMITTED, State.RECOMMENDED], year__lt=LAST_YEAR).exists()
    assert Demonstration.objects.filter(assessment__province_id=NINGXIA).exists()

    # Cumulative participation (left draft in some year up to Y) rises every year.
    first_year = {}
    for community_id, year in (
        assessments.exclude(state=State.DRAFT).order_by("year").values_list("community_id", "year")
    ):
        first_year.setdefault(community_id, year)
    by_year = Counter(first_year.values())
    cumulative, running = [], 0
    for year in range(2020, LAST_YEAR + 1):
        running += by_year[year]
        cumulative.append(running)
    assert all(a < b for a, b in zip(cumulative, cumulative[1:], strict=False)), cumulative
    # One assessment per community per year; an approved (not revoked) community stops.
    meets = set(assessments.filter(state=State.APPROVED).values_list("community_id", "year"))
    for community_id, year in meets:
        assert not assessments.filter(community_id=community_id, year__gt=year).exists()

    # Every approved assessment: 16 answers, each valid, evidence for each met / largely met.
    responses = Response.objects.filter(assessment__in=assessments).select_related("criterion")
    evidence_count = dict(
        responses.annotate(n=Count("evidence")).values_list("id", "n")
    )  # fmt: skip
    per_assessment = defaultdict(list)
    for r in responses:
        per_assessment[r.assessment_id].append(r)
        if r.rating:
            validate_answer(r.criterion, r.rating, r.statement, r.figure)
        if r.criterion.kind == "percent":
            assert (r.figure is None) == (not r.rating)
    for a in assessments:
        rows = per_assessment[a.pk]
        assert len(rows) == 16
        assert a.answered_count == sum(1 for r in rows if r.rating)
        assert a.not_met_count == sum(1 for r in rows if r.rating == Rating.NOT_MET)
        assert a.evidenced_count == sum(1 for r in rows if evidence_count[r.pk])
        if a.state != State.DRAFT:
            assert a.answered_count == 16
            for r in rows:
                if r.rating in (Rating.MET, Rating.LARGELY_MET):
                    assert evidence_count[r.pk] >= 1
        # Timestamps follow the workflow.
        if a.submitted_at:
            assert a.created_at < a.first_submitted_at <= a.submitted_at
        if a.state in (State.APPROVED, State.REVOKED):
            assert a.submitted_at < a.recommended_at < a.approved_at
            assert a.approved_at.year == a.year or a.approved_at.month == 1
            assert all(r.verdict == "confirmed" for r in rows)
        if a.state == State.REVOKED:
            assert a.revoked_at > a.approved_at and a.revoke_reason
        if a.state == State.RETURNED:
            assert a.return_reason and a.returned_at > a.submitted_at

    # History: a valid hash chain per assessment, ending in the assessment's state.
    chains = defaultdict(list)
    for event in AssessmentEvent.objects.filter(assessment__in=assessments).order_by("at", "id"):
        chains[event.assessment_id].append(event)
    states_by_id = dict(assessments.values_list("id", "state"))
    for assessment_id, events in chains.items():
        previous = ""
        for event in events:
            assert event.prev_hash == previous
            assert event.hash == event.compute_hash()
            previous = event.hash
        transitions = [e.to_state for e in events if e.to_state]
        assert transitions[-1] == states_by_id[assessment_id]
    assert set(chains) == set(states_by_id)

    # Evidence is metadata only.
    sample = Evidence.objects.filter(response__assessment__province_id=NINGXIA).first()
    assert len(sample.sha256) == 64 and sample.size > 0 and sample.file.name.startswith("evidence/")


def test_generation_is_deterministic_and_refuses_to_double(ningxia):
    generate("--years", "2020-2025")
    first = signature()
    with pytest.raises(CommandError, match="already exist"):
        generate()
    assert signature() == first
    generate("--reset")
    assert signature() == first
    # Some years alone give the same rows for those years.
    # Regenerating some years alone (the others stay) gives the same rows.
    generate("--reset", "--years", "2022-2023")
    assert signature() == first
    # Another seed gives other data.
    out = StringIO()
    call_command("generate_campaigns", "--seed", "7", "--province", "64", "--reset", stdout=out)
    assert signature()[0] != first[0]


def test_generation_needs_a_registry(db):
    with pytest.raises(CommandError, match="registry is empty"):
        call_command("generate_campaigns", "--province", "64", stdout=StringIO())
    with pytest.raises(CommandError, match="years"):
        call_command("generate_campaigns", "--years", "2019-2021", stdout=StringIO())


def test_the_history_chain_detects_a_changed_row(ningxia):
    generate("--years", "2021")
    event = AssessmentEvent.objects.filter(reason__gt="").first()
    event.reason = "改写"
    assert event.compute_hash() != event.hash
    assert not Assessment.objects.filter(~Q(year=2021)).exists()
    with pytest.raises(ServiceError):
        validate_answer(
            Response.objects.filter(criterion__number=12).select_related("criterion").first().criterion,
            Rating.MET,
            "x",
            None,
        )


def test_generated_years_leave_every_stored_figure_current(ningxia):
    """The campaign years are written behind the services' backs, with their historical times:
    without anyone running refresh_figures, every stored figure of every year equals a recount,
    and the healing task has nothing left to do."""
    from apps.reports.figures import fingerprint, store
    from apps.reports.figures.counts import figure_years
    from apps.reports.models import UnitFigures

    generate()
    years = figure_years()
    assert fingerprint.figures_verify(years=years) == []
    assert store.figures_heal() == []
    stored = {row.year: row.summary["totals"] for row in UnitFigures.objects.filter(province_id=NINGXIA)}
    assert all(stored[year]["meeting"] > 0 for year in range(2020, LAST_YEAR + 1))
