"""Reads of the naming shared by the province's pages, the public pages, the API and the figures.
Never imports apps.review (the review services ask this module what the last level's decision
does)."""

import datetime as dt
from dataclasses import dataclass
from itertools import groupby

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from apps.accounts.capabilities import is_province_staff
from apps.accounts.scoping import prefecture_city_id
from apps.assessments.models import Assessment, State
from apps.review.hooks import APPROVES, PROPOSES, FinalDecision

from .models import Batch, BatchEntry, NamingProcedure, Objection
from .procedure import ACTIVE_ENTRY_STATES, DEFAULTS, BatchState, EntryState, Namer, NamingStage, Outcome

# --- The procedure ----------------------------------------------------------------------------


def procedure_for(*, province_id: str, year: int) -> NamingProcedure | None:
    return NamingProcedure.objects.filter(province_id=province_id, year=year).first()


def procedure_defaults() -> dict:
    return dict(DEFAULTS)


def may_name(*, user, batch: Batch) -> bool:
    """The namer of the year's procedure: the province, or, where it delegated, the province and the
    department of the batch's city (every community of the batch in that prefecture-level city)."""
    if is_province_staff(user, batch.province_id):
        return True
    city = prefecture_city_id(user)
    if city is None or user.region.province_id != batch.province_id:
        return False
    proc = procedure_for(province_id=batch.province_id, year=batch.year)
    if proc is None or proc.namer != Namer.CITY:
        return False
    cities = set(BatchEntry.objects.filter(batch=batch).values_list("assessment__city_id", flat=True))
    return cities == {city}


def procedure_is_frozen(*, province_id: str, year: int) -> bool:
    """Frozen once a batch of the year has been published."""
    return Batch.objects.filter(province_id=province_id, year=year).exclude(state=BatchState.DRAFT).exists()


def final_decision(*, province_id: str, year: int) -> FinalDecision:
    """Proposed (拟认定) where the province has a naming procedure for the year; otherwise the
    approval is the naming, as before the procedure existed (registered with the review from
    NamingConfig.ready: apps.review.hooks)."""
    has = NamingProcedure.objects.filter(province_id=province_id, year=year).exists()
    return PROPOSES if has else APPROVES


# --- Batches ----------------------------------------------------------------------------------


def in_active_batch_q() -> Q:
    return Q(Exists(BatchEntry.objects.filter(assessment=OuterRef("pk"), state__in=ACTIVE_ENTRY_STATES)))


def proposed_outside_batches(*, province_id: str, year: int) -> QuerySet[Assessment]:
    """Proposed assessments of a unit and year that no draft or published batch holds."""
    return (
        Assessment.objects.filter(province_id=province_id, year=year, state=State.PROPOSED)
        .exclude(in_active_batch_q())
        .select_related("community", "city", "county", "street")
        .order_by("city_id", "county_id", "community_id")
    )


def batches_for(*, user, year: int | None = None) -> QuerySet[Batch]:
    qs = (
        Batch.objects.visible_to(user)
        .select_related("province")
        .annotate(
            n_entries=Count("entries", filter=~Q(entries__state=EntryState.LEFT)),
        )
    )
    if year is not None:
        qs = qs.filter(year=year)
    return qs.order_by("province_id", "-year", "-number")


def batch_objection_counts(batch_ids) -> dict[int, dict]:
    rows = (
        Objection.objects.filter(batch_id__in=list(batch_ids))
        .order_by()
        .values("batch_id")
        .annotate(total=Count("id"), open=Count("id", filter=Q(outcome=Outcome.OPEN)))
    )
    return {r["batch_id"]: r for r in rows}


def next_batch_number(*, province_id: str, year: int) -> int:
    last = (
        Batch.objects.filter(province_id=province_id, year=year)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return (last or 0) + 1


@dataclass
class EntryRow:
    entry_id: int
    assessment_id: int
    code: str
    name: str
    city: str
    county: str
    street: str
    confirmed_total: object
    state: str
    note: str

    @property
    def state_label(self) -> str:
        """Listed, Held (objection open), Named or Left the batch."""
        return str(EntryState(self.state).label)


def batch_rows(batch: Batch, *, include_left: bool = True) -> list[EntryRow]:
    """The batch's communities in the order of the published list (city, district, code): one
    query."""
    qs = BatchEntry.objects.filter(batch=batch)
    if not include_left:
        qs = qs.exclude(state=EntryState.LEFT)
    rows = qs.order_by(
        "assessment__city_id", "assessment__county_id", "assessment__community_id"
    ).values_list(
        "id",
        "assessment_id",
        "assessment__community_id",
        "assessment__community__name",
        "assessment__city__name",
        "assessment__county__name",
        "assessment__street__name",
        "assessment__confirmed_total",
        "state",
        "note",
    )
    return [
        EntryRow(eid, aid, code, name, city or "", county or "", street or "", total, state, note)
        for eid, aid, code, name, city, county, street, total, state, note in rows
    ]


def grouped_by_area(rows: list[EntryRow]) -> list[dict]:
    """[{city, counties: [{county, rows}]}] in list order, for the pages and the PDFs."""
    out = []
    for city, city_rows in groupby(rows, key=lambda r: r.city):
        counties = [
            {"county": county, "rows": list(county_rows)}
            for county, county_rows in groupby(city_rows, key=lambda r: r.county)
        ]
        out.append({"city": city, "counties": counties, "count": sum(len(c["rows"]) for c in counties)})
    return out


def batch_objections(batch: Batch) -> QuerySet[Objection]:
    return (
        Objection.objects.filter(batch=batch)
        .select_related("entry__assessment__community", "criterion", "entered_by", "resolved_by")
        .prefetch_related("files")
        .order_by("outcome", "received_at", "id")
    )


# --- Public -------------------------------------------------------------------------------------


def public_batches() -> QuerySet[Batch]:
    """Published and named batches of every unit, open ones (in public notice) first."""
    return (
        Batch.objects.exclude(state=BatchState.DRAFT)
        .select_related("province")
        .annotate(n_entries=Count("entries", filter=~Q(entries__state=EntryState.LEFT)))
        .order_by("-state", "-notice_start", "province_id", "-number")
        # "published" > "named": open batches first.
    )


def public_batch(pk: int) -> Batch | None:
    return Batch.objects.exclude(state=BatchState.DRAFT).select_related("province").filter(pk=pk).first()


# --- Figures ------------------------------------------------------------------------------------


def stage_aggregates(*, within: Q | None = None) -> dict[str, Count]:
    """The aggregate expressions of the naming stages over assessments (the one definition used by
    `naming_counts` and by the figures of apps.reports, which fold them into their own pass):
    proposed (every assessment in state proposed: outside a batch, in a draft, in 公示 or held), in
    公示 (listed in a published batch), held (an open objection) and named (by a batch). `within`
    narrows every count (e.g. to the assessments of one year)."""
    base = within if within is not None else Q()

    def entry(**kw):
        return Exists(BatchEntry.objects.filter(assessment=OuterRef("pk"), **kw))

    published = {"batch__state": BatchState.PUBLISHED}
    proposed = base & Q(state=State.PROPOSED)
    return {
        NamingStage.PROPOSED.value: Count("id", filter=proposed),
        NamingStage.IN_NOTICE.value: Count(
            "id", filter=proposed & Q(entry(state=EntryState.LISTED, **published))
        ),
        NamingStage.HELD.value: Count("id", filter=proposed & Q(entry(state=EntryState.HELD, **published))),
        NamingStage.NAMED.value: Count(
            "id", filter=base & ~Q(state=State.PROPOSED) & Q(entry(state=EntryState.NAMED))
        ),
    }


def naming_counts(*, year: int, province_id: str | None = None) -> dict[str, int]:
    """Proposed, in 公示, held and named assessments of a year (see `stage_aggregates`): one query
    over the year's proposed and approved assessments."""
    assessments = Assessment.objects.filter(
        year=year, state__in=[State.PROPOSED, State.APPROVED, State.REVOKED]
    )
    if province_id:
        assessments = assessments.filter(province_id=province_id)
    counts = assessments.aggregate(**stage_aggregates())
    return {stage: counts[stage.value] for stage in NamingStage}


def batches_in_progress_by_province() -> list[dict]:
    """For the ministry: per unit, the batches in public notice and the communities in them."""
    return list(
        Batch.objects.filter(state=BatchState.PUBLISHED)
        .order_by("province_id")
        .values("province_id", "province__name")
        .annotate(
            batches=Count("id", distinct=True),
            communities=Count("entries", filter=Q(entries__state__in=ACTIVE_ENTRY_STATES)),
        )
    )


def today() -> dt.date:
    return timezone.localdate()
