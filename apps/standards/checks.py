"""What a local standard must satisfy: the refusals of an edit, field by field (criteria and the
standard's own fields), and the problems that stop a draft from being published, each next to the
field it belongs to. Reads only; the writes that apply these rules are apps.standards.services
(start, publish, discard) and apps.standards.editing (edit a draft).
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from . import selectors
from .models import UNITS, Criterion, CriterionKind, StandardVersion, threshold_contradicted

MAX_NUMBER = 999


@dataclass(frozen=True)
class Problem:
    """Something that stops a draft from being published, and the field it belongs next to."""

    field: str
    message: str


def criterion_field(criterion_id: int, name: str) -> str:
    return f"c{criterion_id}-{name}"


# --- The refusals of an edit -------------------------------------------------------------------------


def criterion_errors(row: dict, national_ids: set[int], category_ids: set[int]):
    """(field, message) for each refused value of one criterion's row of an edit."""
    number = row["number"]
    if number is None or not (1 <= int(number) <= MAX_NUMBER):
        yield "number", _("Give a number between 1 and 999.")
    if row["category"] not in category_ids:
        yield "category", _("Choose a category of this standard.")
    if row["national_criterion"] is not None and row["national_criterion"] not in national_ids:
        yield "national_criterion", _("Choose one of the national criteria.")
    if not (row["text_zh"] or "").strip():
        yield "text_zh", _("Enter the criterion's text.")
    if row["kind"] not in CriterionKind.values:
        yield "kind", _("Choose what the answer is.")
    unit = UNITS.get(row["kind"])
    threshold = row["threshold"]
    if unit is not None:
        if not (row["figure_label_zh"] or "").strip():
            yield "figure_label_zh", _("Name the figure the community records (for example 物业管理覆盖率).")
        if threshold is not None and not unit.contains(Decimal(threshold)):
            yield (
                "threshold",
                _("A threshold in %(unit)s lies between %(min)s and %(max)s.")
                % {
                    "unit": unit.label,
                    "min": f"{unit.minimum.normalize():f}",
                    "max": f"{unit.maximum.normalize():f}",
                },
            )
        else:
            for name in ("text_zh", "text_en"):
                message = threshold_message(row[name], unit=unit, threshold=threshold)
                if message:
                    yield name, message
    points = row["points"]
    if points is not None and not (Decimal(0) <= Decimal(points) <= Decimal(1000)):
        yield "points", _("Points lie between 0 and 1000.")


def threshold_message(text: str, *, unit, threshold) -> str:
    """Why a figure criterion's text may not say another value than its threshold ("" if it does
    not): the community reads the text and is checked against the threshold."""
    said = threshold_contradicted(text or "", unit=unit, threshold=threshold)
    if said is None:
        return ""
    return _(
        "The text says %(said)s %(unit)s but the threshold is %(threshold)s %(unit)s: a community "
        "reads the text and is checked against the threshold. Write %(threshold)s %(unit)s in the "
        "text, or change the threshold."
    ) % {"said": plain_number(said), "threshold": plain_number(threshold), "unit": unit.symbol}


def standard_errors(own: dict):
    """(field, message) for each refused value of the standard's own fields."""
    if not (own["title_zh"] or "").strip():
        yield "title_zh", _("Enter the standard's name.")
    total, pass_mark = own["total_points"], own["pass_mark"]
    if total is not None and not (Decimal(0) < Decimal(total) <= Decimal(1000)):
        yield "total_points", _("Total points lie above 0 and at most 1000.")
    if pass_mark is not None:
        if total is None:
            yield "pass_mark", _("A pass mark needs the total points: enter them first.")
        elif not (Decimal(0) < Decimal(pass_mark) <= Decimal(total)):
            yield (
                "pass_mark",
                _("The pass mark lies above 0 and at most the total points (%(total)s).")
                % {"total": plain_number(total)},
            )


def plain_number(value) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (12.50 -> "12.5")."""
    return f"{Decimal(value).normalize():f}"


# --- What stops publishing ---------------------------------------------------------------------------


def standard_problems(*, standard: StandardVersion) -> list[Problem]:
    """What stops the standard from being published, each next to its field (empty: it can be)."""
    problems: list[Problem] = []
    criteria = list(Criterion.objects.filter(standard=standard).select_related("national_criterion"))
    national = list(selectors.national_criteria().filter(standard_id=standard.parent_id))
    mapped = {c.national_criterion_id for c in criteria}
    for c in sorted(criteria, key=lambda c: c.number):
        if c.national_criterion_id is None:
            problems.append(
                Problem(
                    criterion_field(c.pk, "national_criterion"),
                    _("Criterion %(n)s is mapped onto no national criterion: choose the one it counts under.")
                    % {"n": c.number},
                )
            )
        if not c.text_zh.strip():
            problems.append(
                Problem(criterion_field(c.pk, "text_zh"), _("Criterion %(n)s has no text.") % {"n": c.number})
            )
        for name in ("text_zh", "text_en"):
            message = threshold_message(getattr(c, name), unit=c.unit, threshold=c.threshold)
            if message:
                problems.append(
                    Problem(
                        criterion_field(c.pk, name),
                        _("Criterion %(n)s: %(problem)s") % {"n": c.number, "problem": message},
                    )
                )
        if c.is_figure and not c.figure_label_zh.strip():
            problems.append(
                Problem(
                    criterion_field(c.pk, "figure_label_zh"),
                    _("Criterion %(n)s records a figure: name it.") % {"n": c.number},
                )
            )
        if standard.is_scored and c.points is None:
            problems.append(
                Problem(
                    criterion_field(c.pk, "points"),
                    _("Criterion %(n)s has no points: a scored standard gives every criterion its points.")
                    % {"n": c.number},
                )
            )
    problems += [
        Problem(
            f"national-{n.number}",
            _("National criterion %(n)s has no local criterion: map at least one criterion onto it.")
            % {"n": n.number},
        )
        for n in national
        if n.pk not in mapped
    ]
    points = [c.points for c in criteria if c.points is not None]
    if standard.is_scored:
        total = sum(points, Decimal(0))
        if total != standard.total_points:
            problems.append(
                Problem(
                    "total_points",
                    _("The points of the criteria add up to %(sum)s, not to the total of %(total)s.")
                    % {"sum": plain_number(total), "total": plain_number(standard.total_points)},
                )
            )
        if standard.pass_mark is None:
            problems.append(Problem("pass_mark", _("A scored standard needs a pass mark.")))
    elif points:
        problems.append(
            Problem(
                "total_points",
                _("Criteria have points: enter the total points (they add up to %(sum)s) and a pass mark.")
                % {"sum": plain_number(sum(points, Decimal(0)))},
            )
        )
    if not criteria:
        problems.append(Problem("__all__", _("The standard has no criteria.")))
    return problems
