"""Edit a draft local standard: its own fields and criteria in one save, add (or split) a
criterion, drop one. Each service is atomic, locks the draft and checks it may be edited
(apps.standards.services.editable_draft_lock: the province's own department, a draft, an open
year, the revision the page read), refuses per field with StandardInvalid (rules in
apps.standards.checks), and bumps the draft's revision.
"""

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from apps.core.errors import ServiceError

from .checks import criterion_errors, criterion_field, standard_errors
from .models import Category, Criterion, StandardVersion
from .services import StandardInvalid, criterion_rule_values, draft_revision_bump, editable_draft_lock

# Fields of a criterion that the standards page edits.
CRITERION_FIELDS = (
    "number",
    "category",
    "national_criterion",
    "text_zh",
    "text_en",
    "kind",
    "figure_label_zh",
    "figure_label_en",
    "threshold",
    "points",
    "requires_evidence",
)


STANDARD_FIELDS = ("title_zh", "title_en", "total_points", "pass_mark")


def standard_update(
    *,
    standard: StandardVersion,
    user,
    data: dict,
    criteria: dict[int, dict],
    expected_revision: int | None = None,
) -> StandardVersion:
    """Save the draft's own fields (`data`: title, total points, pass mark) and its criteria
    (`criteria`: criterion id -> fields of CRITERION_FIELDS; criteria not given are left as they
    are). All or nothing: any refused field raises StandardInvalid with every message per field,
    and nothing is saved. Renumbering (even swapping two numbers) is allowed; numbers stay unique.
    Optimistic lock on the draft's revision."""
    with transaction.atomic():
        locked = editable_draft_lock(standard, user, expected_revision)
        current = {c.pk: c for c in Criterion.objects.filter(standard=locked)}
        unknown = set(criteria) - set(current)
        if unknown:
            raise ServiceError(_("This criterion is not part of the draft."), code="not_found")
        changed, refusals = _criteria_checked(locked=locked, current=current, criteria=criteria)
        refusals += _duplicate_numbers(current=current, criteria=criteria)
        own = {name: data.get(name, getattr(locked, name)) for name in STANDARD_FIELDS}
        refusals += standard_errors(own)
        errors: dict[str, list[str]] = {}
        for field, message in refusals:
            errors.setdefault(field, []).append(message)
        if errors:
            raise StandardInvalid(errors)
        for name in STANDARD_FIELDS:
            setattr(locked, name, own[name])
        locked.save(update_fields=[*STANDARD_FIELDS, "updated_at"])
        _criteria_write(changed)
        draft_revision_bump(locked)
    return locked


def _criteria_checked(
    *, locked: StandardVersion, current: dict[int, Criterion], criteria: dict[int, dict]
) -> tuple[list[tuple[Criterion, dict]], list[tuple[str, str]]]:
    """Each edited criterion with its full row of CRITERION_FIELDS (given values over stored ones),
    and the refusals of those rows as (form field, message), criterion by criterion."""
    national_ids = set(Criterion.objects.filter(standard_id=locked.parent_id).values_list("pk", flat=True))
    category_ids = set(Category.objects.filter(standard=locked).values_list("pk", flat=True))
    changed: list[tuple[Criterion, dict]] = []
    refusals: list[tuple[str, str]] = []
    for pk, values in criteria.items():
        row = {name: values.get(name, _value(current[pk], name)) for name in CRITERION_FIELDS}
        for name, message in criterion_errors(row, national_ids, category_ids):
            refusals.append((criterion_field(pk, name), message))
        changed.append((current[pk], row))
    return changed, refusals


def _duplicate_numbers(*, current: dict[int, Criterion], criteria: dict[int, dict]) -> list[tuple[str, str]]:
    """A refusal on the number of each edited criterion whose final number another criterion of the
    draft also has after the save (stored numbers for criteria not edited)."""
    numbers: dict[int, list[int]] = {}
    final = {pk: criteria.get(pk, {}).get("number", c.number) for pk, c in current.items()}
    for pk, number in final.items():
        numbers.setdefault(number, []).append(pk)
    refusals: list[tuple[str, str]] = []
    for number, pks in numbers.items():
        if len(pks) > 1:
            refusals += [
                (
                    criterion_field(pk, "number"),
                    _("Number %(n)s is used by another criterion.") % {"n": number},
                )
                for pk in pks
                if pk in criteria
            ]
    return refusals


def _criteria_write(changed: list[tuple[Criterion, dict]]) -> None:
    """Save the checked rows onto their criteria; a criterion that is not a figure keeps no
    threshold and no figure label."""
    # Two steps, so that swapping numbers never meets the unique constraint half-way.
    moving = [c for c, row in changed if row["number"] != c.number]
    for c in moving:
        Criterion.objects.filter(pk=c.pk).update(number=c.number + 10000)
    for c, row in changed:
        for name in CRITERION_FIELDS:
            setattr(c, criterion_attname(name), _db_value(row, name))
        if not c.is_figure:
            c.threshold, c.figure_label_zh, c.figure_label_en = None, "", ""
        c.save()


def criterion_attname(name: str) -> str:
    """The model attribute behind a field of CRITERION_FIELDS (the id for a foreign key)."""
    return f"{name}_id" if name in ("category", "national_criterion") else name


def _value(criterion: Criterion, name: str):
    return getattr(criterion, criterion_attname(name))


def criterion_values(criterion: Criterion) -> dict:
    """The criterion's fields as standard_update takes them (CRITERION_FIELDS, ids for keys)."""
    return {name: _value(criterion, name) for name in CRITERION_FIELDS}


def _db_value(row: dict, name: str):
    value = row[name]
    if name in ("text_zh", "text_en", "figure_label_zh", "figure_label_en"):
        return (value or "").strip()
    return value


def standard_criterion_add(
    *,
    standard: StandardVersion,
    user,
    split_from: Criterion | None = None,
    expected_revision: int | None = None,
) -> Criterion:
    """Add a criterion with the next free number. Splitting a criterion adds one in the same
    category, mapped onto the same national criterion, with the same kind of answer and evidence
    rule (its text and points are then to be written). A plain new criterion is in the last
    category and mapped onto nothing until the province chooses."""
    with transaction.atomic():
        locked = editable_draft_lock(standard, user, expected_revision)
        number = (Criterion.objects.filter(standard=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        if split_from is not None:
            if split_from.standard_id != locked.pk:
                raise ServiceError(_("This criterion is not part of the draft."), code="not_found")
            criterion = Criterion.objects.create(
                standard=locked,
                category_id=split_from.category_id,
                number=number,
                text_zh=split_from.text_zh,
                text_en=split_from.text_en,
                **criterion_rule_values(split_from),
            )
        else:
            category = Category.objects.filter(standard=locked).order_by("-order").first()
            criterion = Criterion.objects.create(
                standard=locked,
                category=category,  # type: ignore[misc]  # a draft always has a category
                number=number,
                text_zh="",
            )
        draft_revision_bump(locked)
    return criterion


def standard_criterion_drop(
    *, standard: StandardVersion, user, criterion: Criterion, expected_revision: int | None = None
) -> None:
    """Drop a local criterion from the draft, only while another criterion of the draft still maps
    onto its national criterion (an unmapped criterion can always be dropped)."""
    with transaction.atomic():
        locked = editable_draft_lock(standard, user, expected_revision)
        if criterion.standard_id != locked.pk:
            raise ServiceError(_("This criterion is not part of the draft."), code="not_found")
        if criterion.national_criterion_id is not None:
            others = (
                Criterion.objects.filter(
                    standard=locked, national_criterion_id=criterion.national_criterion_id
                )
                .exclude(pk=criterion.pk)
                .exists()
            )
            if not others:
                national = criterion.national_criterion
                raise ServiceError(
                    _(
                        "Criterion %(n)s is the only one mapped onto national criterion %(national)s: "
                        "map another criterion onto it before dropping this one."
                    )
                    % {"n": criterion.number, "national": national.number},  # type: ignore[union-attr]
                    code="last_mapping",
                    field=criterion_field(criterion.pk, "drop"),
                )
        criterion.delete()
        draft_revision_bump(locked)
