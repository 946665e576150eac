"""Scores under a scored standard (StandardVersion.is_scored): parsing a score typed by a user, and
the assessment's totals. The community's self-score and each review level's confirmed score of a
criterion lie between 0 and the criterion's points, with at most two decimals. The self total is the
sum of the self-scores entered; the confirmed total, once a review level confirmed or corrected any
score of the round, is the sum of the scores as they stand after review (a criterion not reviewed
yet counts with its self-score), None before. Both are None when the standard has no points.

Services call these; the messages say, in the user's language, what was wrong with what was typed
(the forms keep the typed text)."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError

FULL_WIDTH = "０１２３４５６７８９．－＋"
_HALF = str.maketrans(FULL_WIDTH, "0123456789.-+")
CENT = Decimal("0.01")


def parse_score(value, *, criterion, field: str = "self_score") -> Decimal | None:
    """`value` as typed ("" or None: no score) -> a Decimal between 0 and the criterion's points,
    or ServiceError naming the criterion and the bound."""
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    points = criterion.points
    if points is None:
        raise ServiceError(
            _("Criterion %(n)s has no points: it takes no score.") % {"n": criterion.number},
            code="not_scored",
            field=field,
        )
    bound = {"n": criterion.number, "max": f"{points.normalize():f}"}
    if any(ch in FULL_WIDTH for ch in text):
        raise ServiceError(
            _(
                "Type the score of criterion %(n)s in half-width digits (for example %(example)s): full-width digits such as ４ are not accepted."
            )
            % {"n": criterion.number, "example": text.translate(_HALF)},
            code="full_width_score",
            field=field,
        )
    try:
        score = Decimal(text)
    except (InvalidOperation, ValueError):
        score = None
    if score is None or not score.is_finite() or not text.replace(".", "", 1).lstrip("-+").isdigit():
        raise ServiceError(
            _("The score of criterion %(n)s must be a number from 0 to %(max)s.") % bound,
            code="invalid_score",
            field=field,
        )
    if score < 0 or score > points:
        raise ServiceError(
            _("The score of criterion %(n)s must be between 0 and its %(max)s points.") % bound,
            code="score_out_of_range",
            field=field,
        )
    if score != score.quantize(CENT):
        raise ServiceError(
            _("The score of criterion %(n)s may have at most two decimals.") % bound,
            code="invalid_score",
            field=field,
        )
    return score.quantize(CENT)


def score_text(value) -> str:
    """A score for a form field or a page: "4.5", "5", "" for none."""
    return "" if value is None else f"{value.normalize():f}"


def totals(assessment) -> tuple[Decimal | None, Decimal | None]:
    """(self total, confirmed total) of an assessment from its responses; (None, None) when its
    standard has no points."""
    from .models import Response

    if not assessment.standard.is_scored:
        return None, None
    sums = Response.objects.filter(assessment_id=assessment.pk).aggregate(
        self_total=Sum("self_score"),
        confirmed_total=Sum(Coalesce("confirmed_score", "self_score")),
        confirmed=Count("confirmed_score"),
    )
    confirmed = sums["confirmed_total"] if sums["confirmed"] else None
    return sums["self_total"], confirmed


def totals_refresh(assessment) -> None:
    """Recompute and store the assessment's totals (the caller holds its lock)."""
    from .models import Assessment

    self_total, confirmed_total = totals(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(self_total=self_total, confirmed_total=confirmed_total)
    assessment.self_total, assessment.confirmed_total = self_total, confirmed_total


def below_pass_mark(assessment, total: Decimal | None) -> bool:
    """A scored assessment whose `total` is under its standard's pass mark (a missing total counts
    as 0)."""
    standard = assessment.standard
    if not standard.is_scored or standard.pass_mark is None:
        return False
    return (total or Decimal(0)) < standard.pass_mark


@dataclass(frozen=True)
class Standing:
    """Where a scored assessment stands against its pass mark now."""

    total: Decimal  # the confirmed total, or the self total while no level has confirmed a score
    confirmed: bool  # True: `total` is the confirmed total
    below: bool  # `total` is under the pass mark


def standing(assessment) -> Standing | None:
    """The score that counts now: the confirmed total once a review level confirmed scores, the
    community's self total before (no score at all counts as 0), against the pass mark, as the
    queue sorts and filters (apps.review.selectors.queue_score). None without points or pass mark.
    A missing confirmed total is never read as 0: before any level confirmed, the self total
    stands."""
    standard = assessment.standard
    if not standard.is_scored or standard.pass_mark is None:
        return None
    confirmed = assessment.confirmed_total is not None
    total = (assessment.confirmed_total if confirmed else assessment.self_total) or Decimal(0)
    return Standing(total=total, confirmed=confirmed, below=total < standard.pass_mark)
