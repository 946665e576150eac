"""The "weakest wins" rule: how an assessment's answers to the local criteria counted under one national
criterion make one rating and one verdict of that national criterion. The one home of the rule:
the per-criterion figures (apps.reports.figures.criteria) and the assessments export both use it."""

from django.db.models import Case, IntegerField, Min, Q, Value, When

from .models import Rating, Verdict

# The national criterion a response counts under: its criterion's mapping (a national criterion
# maps onto itself, so this holds for assessments of the national standard too).
NATIONAL_NUMBER = "criterion__national_criterion__number"

# "Weakest wins" when several local criteria map onto one national criterion: an assessment meets
# a national criterion only if it meets every local criterion counted under it. Ranks, lowest =
# weakest; "" (not answered / not reviewed) ranks as the export shows it.
RATING_RANK = {Rating.NOT_MET: 0, "": 1, Rating.LARGELY_MET: 2, Rating.MET: 3}
VERDICT_RANK = {Verdict.NOT_CONFIRMED: 0, "": 1, Verdict.CONFIRMED: 2}
RATING_OF_RANK = {rank: value for value, rank in RATING_RANK.items()}
VERDICT_OF_RANK = {rank: value for value, rank in VERDICT_RANK.items()}


def ranked(field: str, ranks: dict) -> Case:
    return Case(
        *[When(**{field: value}, then=Value(rank)) for value, rank in ranks.items()],
        default=Value(RATING_RANK[""]),
        output_field=IntegerField(),
    )


def weakest_rating(number: int, path: str = "responses__") -> Min:
    """An assessment's rating of national criterion `number`: the weakest rating of its local
    criteria mapped onto it, as a rank (RATING_OF_RANK turns it back into a rating)."""
    return Min(ranked(f"{path}rating", RATING_RANK), filter=Q(**{f"{path}{NATIONAL_NUMBER}": number}))


def weakest_verdict(number: int, path: str = "responses__") -> Min:
    """The reviewers' verdict on national criterion `number`: confirmed only if every local
    criterion mapped onto it was confirmed (VERDICT_OF_RANK turns the rank back)."""
    return Min(ranked(f"{path}verdict", VERDICT_RANK), filter=Q(**{f"{path}{NATIONAL_NUMBER}": number}))
