"""Every read of the departments shared by pages, PDFs and the API. Rows scope through their
`visible_to` (apps.accounts.scoping); another unit's row is absent (404)."""

from django.db.models import Count, Exists, OuterRef, Prefetch, Q

from apps.accounts.scoping import department_type_id
from apps.assessments.models import Assessment, Evidence, Response, State
from apps.core import versioned
from apps.core.errors import NotFoundError
from apps.naming.models import Batch
from apps.reports.models import AnnualReport

from .models import (
    Answer,
    Consultation,
    CriterionOpinion,
    DepartmentObjection,
    DepartmentType,
    OwnedCriterion,
    ReportSignature,
)


def department_types(province_id: str | None, *, active_only: bool = True):
    rows = DepartmentType.objects.for_province(province_id)
    return rows.active() if active_only else rows


def consultations_for_batch(batch: Batch) -> list[Consultation]:
    """Who was consulted on a batch and what they answered, with their objections."""
    return list(
        Consultation.objects.filter(batch=batch)
        .select_related("department_type", "answered_by")
        .prefetch_related(
            Prefetch(
                "objections",
                queryset=DepartmentObjection.objects.select_related("entry__assessment", "resolved_by"),
            )
        )
    )


def consultations_visible(user):
    return (
        Consultation.objects.visible_to(user)
        .select_related("batch", "department_type")
        .order_by("-sent_at", "-id")
    )


def access_consultation(*, user, pk: int) -> Consultation:
    row = consultations_visible(user).filter(pk=pk).first()
    if row is None:
        raise NotFoundError("")
    return row


def access_objection(*, user, pk: int) -> DepartmentObjection:
    visible = Consultation.objects.visible_to(user)
    row = (
        DepartmentObjection.objects.filter(consultation__in=visible, pk=pk)
        .select_related("consultation__batch")
        .first()
    )
    if row is None:
        raise NotFoundError("")
    return row


def answer_label(c: Consultation) -> str:
    """The answer as the batch page and its PDF say it."""
    if c.answer == Answer.LAPSED:
        return "逾期未反馈，视为无意见"
    if c.answer:
        label = str(c.get_answer_display())
        return label + ("（逾期回复）" if c.late else "")
    return "尚未答复"


def owned_assessments(user):
    """Assessments in the department's area with at least one criterion its type checks, left draft."""
    type_id = department_type_id(user)
    owned = Response.objects.filter(
        assessment=OuterRef("pk"),
        criterion__in=OwnedCriterion.objects.filter(department_type_id=type_id).values("criterion_id"),
    )
    return (
        Assessment.objects.visible_to(user)
        .exclude(state=State.DRAFT)
        .filter(Exists(owned))
        .select_related("community", "community__street", "community__county")
        .order_by("-year", "community__name")
    )


def owned_responses(*, user, assessment: Assessment):
    """The responses of `assessment` whose criterion the department checks, with their evidence and
    the department opinions given."""
    return list(
        Response.objects.visible_to(user)
        .filter(assessment=assessment)
        .select_related("criterion")
        .prefetch_related(
            Prefetch(
                "evidence",
                queryset=Evidence.objects.visible_to(user).filter(withdrawn_round__isnull=True),
                to_attr="visible_evidence",
            )
        )
        .order_by("criterion__number")
    )


def opinions_by_criterion(assessment: Assessment, user=None) -> dict:
    """Department opinions on an assessment, per criterion id (reviewers see every one)."""
    rows = CriterionOpinion.objects.filter(assessment=assessment)
    if user is not None:
        rows = rows & CriterionOpinion.objects.visible_to(user)
    out: dict = {}
    for o in rows.order_by("created_at", "id"):
        out.setdefault(o.criterion_id, []).append(o)
    return out


def owned_criteria(standard) -> dict:
    return dict(
        OwnedCriterion.objects.filter(criterion__standard=standard).values_list(
            "criterion_id", "department_type_id"
        )
    )


def report_signatures(report: AnnualReport) -> list[ReportSignature]:
    return list(ReportSignature.objects.filter(report=report).select_related("department_type"))


# The version of the co-signature counts (apps.core.versioned): every write of a report's
# signatures drops it (services.py, and the model's signals for any other save or delete).
SIGNATURES_VERSION = "report-signatures"


def signature_summary(report_ids) -> dict:
    """Per report: (confirmed, asked), for the ministry's status table (on every view of the
    national dashboard: kept in the shared cache until a signature changes)."""
    ids = sorted(set(report_ids))
    if not ids:
        return {}

    def read() -> dict:
        rows = (
            ReportSignature.objects.filter(report_id__in=ids)
            .values("report_id")
            .annotate(asked=Count("id"), done=Count("id", filter=~Q(state="pending")))
            .order_by("report_id")
        )
        return {r["report_id"]: (r["done"], r["asked"]) for r in rows}

    return versioned.cached(SIGNATURES_VERSION, versioned.key_of(ids), read)
