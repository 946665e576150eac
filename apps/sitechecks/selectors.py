"""Reads shared by the pages, the API, the naming step and the reports."""

from decimal import Decimal

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, Subquery
from django.http import Http404
from django.utils.translation import gettext as _

from apps.assessments.models import Assessment, State

from . import sampling
from .models import (
    Assignment,
    AssignmentState,
    Draw,
    Inspection,
    InspectionPlan,
    SampleEntry,
    SampleState,
)


def plan_for(*, province_id: str, year: int) -> InspectionPlan | None:
    return InspectionPlan.objects.filter(province_id=province_id, year=year).first()


def population(plan: InspectionPlan):
    """The proposed assessments of the plan's province and year (the sampling frame)."""
    return Assessment.objects.filter(province_id=plan.province_id, year=plan.year, state=State.PROPOSED)


def candidates(plan: InspectionPlan) -> list[sampling.Candidate]:
    """The frame with each row's forcing reasons and risk weight, in one query."""
    from apps.naming.models import Objection
    from apps.review.models import Demonstration

    rows = population(plan).annotate(
        has_objection=Exists(Objection.objects.filter(entry__assessment=OuterRef("pk"))),
        is_demo=Exists(Demonstration.objects.filter(assessment=OuterRef("pk"))),
        flags=Count("integrity_flags", filter=Q(integrity_flags__explained_at__isnull=True), distinct=True),
    )
    rows = rows.values_list(
        "pk",
        "community_id",
        "county_id",
        "has_objection",
        "is_demo",
        "flags",
        "confirmed_total",
        "standard__pass_mark",
    )
    margin = plan.margin
    weight = float(plan.flag_weight)
    out = []
    for pk, code, county, objection, demo, flags, total, mark in rows:
        forced = []
        if plan.force_objections and objection:
            forced.append("objection")
        if margin is not None and total is not None and mark is not None and abs(total - mark) <= margin:
            forced.append("margin")
        if plan.force_demonstration and demo:
            forced.append("demonstration")
        if plan.force_flagged and flags:
            forced.append("flag")
        out.append(sampling.Candidate(pk, code, county, 1.0 + weight * flags, tuple(forced)))
    return out


def spec_of(plan: InspectionPlan) -> sampling.RuleSpec:
    return sampling.RuleSpec(plan.rule, plan.value, plan.min_one, dict(plan.district_rules or {}))


def preview(plan: InspectionPlan) -> list[sampling.Picked]:
    return sampling.draw(candidates(plan), seed=plan.seed, spec=spec_of(plan))


def last_draw(plan: InspectionPlan) -> Draw | None:
    return plan.draws.first()


def current_entries(plan: InspectionPlan):
    """The sample of the plan's last draw, with its open assignment's group."""
    draw = last_draw(plan)
    if draw is None:
        return SampleEntry.objects.none()
    return (
        SampleEntry.objects.filter(draw=draw)
        .select_related("assessment__community", "county")
        .prefetch_related("assignments__group")
        .order_by("county_id", "assessment__community_id")
    )


def held_entries():
    """Sample entries of each plan's last draw still held (a redraw replaces the older entries)."""
    latest = Draw.objects.filter(plan=OuterRef("plan")).order_by("-drawn_at", "-id").values("pk")[:1]
    return SampleEntry.objects.filter(state=SampleState.HELD, draw=Subquery(latest))


def batch_ready(batch) -> str | None:
    """The naming step: None when the batch may be published; otherwise what is missing (the
    sample is not drawn, or communities of the batch are held for site check)."""
    from apps.naming.models import BatchEntry
    from apps.naming.procedure import EntryState

    plan = plan_for(province_id=batch.province_id, year=batch.year)
    if plan is None or last_draw(plan) is None:
        return _("The site-check sample of %(year)s has not been drawn yet.") % {"year": batch.year}
    listed = BatchEntry.objects.filter(batch=batch, state=EntryState.LISTED).values("assessment_id")
    held = list(
        held_entries()
        .filter(plan=plan, assessment_id__in=listed)
        .values_list("assessment__community__name", flat=True)[:6]
    )
    if not held:
        return None
    return _("Held for site check (inspection not done): %(names)s.") % {"names": "、".join(held)}


def is_held(assessment_id: int) -> bool:
    return held_entries().filter(assessment_id=assessment_id).exists()


# --- Experts ------------------------------------------------------------------------------------


def assignment_for(*, user, pk: int) -> Assignment:
    """The assignment through the caller's scope (an expert: only its open ones), else 404."""
    row = (
        Assignment.objects.visible_to(user)
        .select_related(
            "sample__assessment__community", "sample__assessment__standard", "group__leader", "sample__plan"
        )
        .filter(pk=pk)
        .first()
    )
    if row is None:
        raise Http404
    return row


def expert_assignments(user):
    return (
        Assignment.objects.visible_to(user)
        .filter(state=AssignmentState.OPEN)
        .select_related("sample__assessment__community", "sample__assessment__county", "group")
        .order_by("assigned_at")
    )


def checklist(assignment: Assignment, user) -> tuple[list, Inspection | None]:
    """The criteria of the community's standard, each with the caller's saved item (if any)."""
    from apps.standards.models import Criterion

    criteria = list(
        Criterion.objects.filter(standard_id=assignment.sample.assessment.standard_id).order_by("number")
    )
    inspection = (
        Inspection.objects.filter(assignment=assignment, expert=user, late=False)
        .prefetch_related("items__photos")
        .order_by("created_at")
        .first()
    )
    items = {i.criterion_id: i for i in inspection.items.all()} if inspection else {}
    for c in criteria:
        c.item = items.get(c.pk)  # type: ignore[attr-defined]  # the checklist's row, for the template
    return criteria, inspection


# --- Site totals beside the scores (review page and queue) ------------------------------------


def site_totals(assessment_ids) -> dict[int, Decimal]:
    """{assessment id: site total of its signed-off inspection}, one query."""
    rows = SampleEntry.objects.filter(assessment_id__in=list(assessment_ids), site_total__isnull=False)
    return {
        pk: total
        for pk, total in rows.order_by("decided_at").values_list("assessment_id", "site_total")
        if total is not None
    }


def site_check_of(assessment_id: int) -> SampleEntry | None:
    return SampleEntry.objects.filter(assessment_id=assessment_id).order_by("-draw__drawn_at", "-pk").first()


def attach_site_totals(rows) -> None:
    rows = list(rows)
    totals = site_totals(a.pk for a in rows)
    for a in rows:
        a.site_total = totals.get(a.pk)


# --- Figures (docs/figures.md: site-check pass rate, score gap) ---------------------------------


def figures(plan: InspectionPlan) -> dict:
    """Per district: sample size, inspected (signed off), passed, and the mean gap confirmed −
    site total over inspected communities; computed in the database."""
    draw = last_draw(plan)
    entries = SampleEntry.objects.filter(draw=draw) if draw else SampleEntry.objects.none()
    decided = ~Q(state=SampleState.HELD)
    per_district = (
        entries.values("county_id", "county__name")
        .annotate(
            size=Count("pk"),
            inspected=Count("pk", filter=decided),
            passed=Count("pk", filter=Q(state=SampleState.PASSED)),
            gap=Avg(
                F("assessment__confirmed_total") - F("site_total"),
                filter=decided & Q(site_total__isnull=False, assessment__confirmed_total__isnull=False),
            ),
        )
        .order_by("county_id")
    )
    rows = list(per_district)
    total = {
        "size": sum(r["size"] for r in rows),
        "inspected": sum(r["inspected"] for r in rows),
        "passed": sum(r["passed"] for r in rows),
    }
    return {"rows": rows, "total": total, "population": population(plan).count()}


def pass_rates(*, year: int, codes) -> dict[str, dict]:
    """{area code: {"inspected", "passed", "rate"}} of the signed-off site checks of `year` in each
    area (a provincial unit, city or county: each area's own column of the assessment), for the
    annual 通报; areas without an inspection are absent. One grouped query per region level."""
    codes = list(codes)
    decided = SampleEntry.objects.filter(plan__year=year).exclude(state=SampleState.HELD)
    found: dict[str, dict] = {}
    for column in ("province_id", "city_id", "county_id"):
        rows = (
            decided.filter(**{f"assessment__{column}__in": codes})
            .order_by()
            .values(area=F(f"assessment__{column}"))
            .annotate(inspected=Count("pk"), passed=Count("pk", filter=Q(state=SampleState.PASSED)))
        )
        for r in rows:
            found[r["area"]] = {
                "inspected": r["inspected"],
                "passed": r["passed"],
                "rate": 100 * r["passed"] / r["inspected"],
            }
    return found
