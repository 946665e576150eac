"""Reads of the residents' voice shared by the public page, the staff pages, the review page's
gate line, the API and the demo. Figures are SQL aggregates (one query per community or area)."""

from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.assessments.models import Assessment, Rating, State
from apps.communities.models import Community
from apps.naming.models import BatchEntry
from apps.naming.procedure import ACTIVE_ENTRY_STATES, BatchState

from .models import QUESTION_FIELDS, SATISFIED_FROM, Answer, Survey
from .privacy import mask_comment

# --- The community and its status ---------------------------------------------------------------


def public_community(code: str) -> Community | None:
    """A community of the registry that is not retired (the only ones with a public page)."""
    if not (code.isascii() and code.isdigit() and len(code) == 12):
        return None
    return (
        Community.objects.active()
        .select_related("street", "county", "city", "province")
        .filter(code=code)
        .first()
    )


class Status:
    NONE = "none"
    PARTICIPATING = "participating"
    IN_REVIEW = "in_review"
    PROPOSED = "proposed"
    IN_NOTICE = "in_notice"
    NAMED = "named"
    REVOKED = "revoked"


STATUS_LABELS = {
    Status.NONE: gettext_lazy("Not taking part this year (yet)"),
    Status.PARTICIPATING: gettext_lazy("Participating: the self-assessment is being revised"),
    Status.IN_REVIEW: gettext_lazy("Participating: in review"),
    Status.PROPOSED: gettext_lazy("Proposed (拟认定)"),
    Status.IN_NOTICE: gettext_lazy("In public notice (公示)"),
    Status.NAMED: gettext_lazy("Named: meets the requirements of a green community"),
    Status.REVOKED: gettext_lazy("Title revoked (摘牌)"),
}
# Statuses whose criteria lines are shown: the community's claims as submitted (never a draft, nor
# an assessment being revised after a return).
SHOWS_CLAIMS = (Status.IN_REVIEW, Status.PROPOSED, Status.IN_NOTICE, Status.NAMED)


@dataclass
class PublicPage:
    community: Community
    year: int
    status: str
    status_label: str
    batch_id: int | None = None
    claims: list = field(default_factory=list)


def public_page(*, community: Community, year: int) -> PublicPage:
    """What the public page shows of a community for `year`: its status and, once submitted, one
    line per criterion with the community's own rating. Nothing of another year, no draft, no
    evidence, no reviewer's comment."""
    assessment = Assessment.objects.filter(community=community, year=year).first()
    status, batch_id = _status(assessment)
    page = PublicPage(community, year, status, str(STATUS_LABELS[status]), batch_id)
    if status in SHOWS_CLAIMS and assessment is not None:
        labels = dict(Rating.choices)
        page.claims = [
            {
                "number": r["criterion__number"],
                "text": r["criterion__text_zh"],
                "rating": r["rating"],
                "rating_label": labels.get(r["rating"], "—"),
            }
            for r in assessment.responses.order_by("criterion__number").values(
                "criterion__number", "criterion__text_zh", "rating"
            )
        ]
    return page


def _status(assessment: Assessment | None) -> tuple[str, int | None]:
    if assessment is None or assessment.state == State.DRAFT:
        return Status.NONE, None
    state = assessment.state
    if state == State.RETURNED:
        return Status.PARTICIPATING, None
    if state in (State.SUBMITTED, State.RECOMMENDED):
        return Status.IN_REVIEW, None
    if state == State.REVOKED:
        return Status.REVOKED, None
    if state == State.APPROVED:
        return Status.NAMED, None
    entry = (
        BatchEntry.objects.filter(
            assessment=assessment, state__in=ACTIVE_ENTRY_STATES, batch__state=BatchState.PUBLISHED
        )
        .values_list("batch_id", flat=True)
        .first()
    )
    return (Status.IN_NOTICE, entry) if entry else (Status.PROPOSED, None)


# --- Surveys ------------------------------------------------------------------------------------


def survey_for(*, province_id: str, year: int) -> Survey | None:
    return Survey.objects.filter(province_id=province_id, year=year).first()


def default_questions() -> list[str]:
    """One question per category of the national standard (the 16 criteria's five themes), in
    Chinese whatever the reader's language: the questions are stored as data."""
    with translation.override("zh-hans"):
        return _default_questions()


def _default_questions() -> list[str]:
    return [
        _("How satisfied are you with how residents take part in improving the community's environment?"),
        _("How satisfied are you with the community's green infrastructure (energy, water, waste sorting)?"),
        _("How satisfied are you with the community's living environment (greenery, cleanliness, parking)?"),
        _("How satisfied are you with the community's online services and smart management?"),
        _("How satisfied are you with the community's green culture and activities?"),
    ]


def answered(*, device_hash: str, year: int) -> bool:
    return Answer.objects.filter(year=year, device_hash=device_hash).exists()


# --- Results ------------------------------------------------------------------------------------


def _satisfied(column: str) -> Count:
    return Count("id", filter=Q(**{f"{column}__gte": SATISFIED_FROM}))


@dataclass
class QuestionResult:
    text: str
    answers: int
    satisfied: int

    @property
    def share(self) -> float | None:
        return 100 * self.satisfied / self.answers if self.answers else None


@dataclass
class Results:
    survey: Survey | None
    answers: int
    questions: list[QuestionResult]

    @property
    def satisfied(self) -> int:
        return sum(q.satisfied for q in self.questions)

    @property
    def ratings(self) -> int:
        return sum(q.answers for q in self.questions)

    @property
    def share(self) -> float | None:
        """The satisfied share over every rating of every question (4 or 5 of 1–5)."""
        return 100 * self.satisfied / self.ratings if self.ratings else None


def results(*, community_id: str, year: int, survey: Survey | None = None) -> Results:
    """The number of answers and the satisfied share per question of a community and year: one
    query."""
    if survey is None:
        community = Community.objects.filter(code=community_id).values("province_id").first()
        survey = survey_for(province_id=community["province_id"], year=year) if community else None
    if survey is None:
        return Results(None, 0, [])
    n = len(survey.questions)
    aggregates = {"n": Count("id")}
    for column in QUESTION_FIELDS[:n]:
        aggregates[f"{column}_n"] = Count(column)
        aggregates[f"{column}_s"] = _satisfied(column)
    row = Answer.objects.filter(community_id=community_id, year=year).aggregate(**aggregates)
    questions = [
        QuestionResult(text, row[f"{column}_n"], row[f"{column}_s"])
        for column, text in zip(QUESTION_FIELDS[:n], survey.questions, strict=True)
    ]
    return Results(survey, row["n"], questions)


def staff_comments(*, community_id: str, year: int, limit: int = 200) -> list[dict]:
    """The comments of a community and year for staff, masked (apps.residents.privacy), newest
    first."""
    rows = (
        Answer.objects.filter(community_id=community_id, year=year)
        .exclude(comment="")
        .order_by("-created_at")
        .values("created_at", "comment")[:limit]
    )
    return [{"created_at": r["created_at"], "text": mask_comment(r["comment"])} for r in rows]


# --- The gate -----------------------------------------------------------------------------------


@dataclass
class Gate:
    survey: Survey | None
    results: Results

    @property
    def exists(self) -> bool:
        return self.survey is not None and self.survey.has_gate

    @property
    def met(self) -> bool:
        survey = self.survey
        if survey is None or not survey.has_gate:
            return True
        share = self.results.share
        return (
            self.results.answers >= (survey.gate_min_answers or 0)
            and share is not None
            and share >= (survey.gate_share_percent or 0)
        )

    def refusal(self) -> str:
        survey = self.survey
        assert survey is not None, "a refusal is only asked of a gate that exists"
        return _(
            "Residents' satisfaction does not meet the province's gate for %(year)s: at least %(min)s answers with a satisfied share of at least %(need)s %% are required, the community has %(n)s answers with %(share)s %% satisfied."
        ) % {
            "year": survey.year,
            "min": survey.gate_min_answers,
            "need": survey.gate_share_percent,
            "n": self.results.answers,
            "share": "—" if self.results.share is None else f"{self.results.share:.1f}",
        }


def gate_for(*, community_id: str, province_id: str, year: int) -> Gate:
    survey = survey_for(province_id=province_id, year=year)
    return Gate(survey, results(community_id=community_id, year=year, survey=survey))


# --- The distribution per province ------------------------------------------------------------

BUCKETS = ((90, "≥ 90 %"), (80, "80–90 %"), (70, "70–80 %"), (60, "60–70 %"), (0, "< 60 %"))


def distribution(*, survey: Survey) -> dict:
    """Communities of the survey's province and year with answers, by overall satisfied share,
    and how many meet the gate: one GROUP BY over the answers."""
    n = len(survey.questions)
    columns = QUESTION_FIELDS[:n]
    satisfied = sum(
        (Coalesce(Sum(_as_int(Q(**{f"{c}__gte": SATISFIED_FROM}))), Value(0)) for c in columns), Value(0)
    )
    rated = sum((Count(c) for c in columns), Value(0))
    rows = (
        Answer.objects.filter(survey=survey)
        .order_by()
        .values("community_id")
        .annotate(answers=Count("id"), satisfied=satisfied, rated=rated)
    )
    counts = {label: 0 for _, label in BUCKETS}
    meeting = communities = 0
    for r in rows:
        communities += 1
        share = 100 * r["satisfied"] / r["rated"] if r["rated"] else 0
        counts[next(label for low, label in BUCKETS if share >= low)] += 1
        gate = survey.has_gate and share >= (survey.gate_share_percent or 0)
        if gate and r["answers"] >= (survey.gate_min_answers or 0):
            meeting += 1
    return {
        "communities": communities,
        "buckets": [(label, counts[label]) for _, label in BUCKETS],
        "meeting": meeting,
    }


def _as_int(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())
