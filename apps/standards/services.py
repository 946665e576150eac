"""Every write to local standards: start a draft, edit it, add, split or drop criteria, publish.

Each service is atomic, holds the standard's row lock, checks that the acting user is the
province's own department (`can_configure_province`; scope, i.e. 404 for another province's
standard, is the views' `visible_to`), and refuses with a readable message (ServiceError and its
ConflictError / ForbiddenError) whatever would break the rules of docs/figures.md ("Standards"):
a published version is immutable, a frozen year cannot change, one draft per province and year.
Starting and publishing are recorded in the history (trace_append, kind "standard").
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_configure_province
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

from . import selectors
from .models import (
    UNITS,
    Category,
    Criterion,
    CriterionKind,
    StandardState,
    StandardVersion,
    text_with_threshold,
    threshold_contradicted,
)

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
MAX_NUMBER = 999


class StandardInvalid(ServiceError):
    """Refused input, with the messages per field ("pass_mark", "c<criterion id>-points", ...;
    "__all__" for the standard as a whole) so that each is shown next to its field."""

    def __init__(self, errors: dict[str, list[str]], message=None):
        super().__init__(message or _("Correct the fields marked below."), code="invalid", field="__all__")
        self.errors = errors


@dataclass(frozen=True)
class Problem:
    """Something that stops a draft from being published, and the field it belongs next to."""

    field: str
    message: str


def criterion_field(criterion_id: int, name: str) -> str:
    return f"c{criterion_id}-{name}"


# --- Guards -------------------------------------------------------------------


def _require_configurer(user, province_id: str | None) -> None:
    if not can_configure_province(user, province_id):
        raise ForbiddenError(_("Only the provincial department can change its local standard."))


def frozen_message(province, year: int | None, opened: int) -> str:
    return _(
        "%(n)s self-assessments of %(year)s were already opened in %(province)s: the standard of "
        "%(year)s is frozen and can no longer be changed."
    ) % {"n": opened, "year": year, "province": province.name}


def _require_year_open(province, year: int | None) -> None:
    opened = selectors.opened_assessments(province=province, year=year)
    if opened:
        raise ConflictError(frozen_message(province, year, opened), code="frozen")


def _require_draft(standard: StandardVersion) -> None:
    if standard.state != StandardState.DRAFT:
        raise ConflictError(published_message(standard), code="published")


def published_message(standard: StandardVersion) -> str:
    by = standard.published_by
    who = (by.display_name or by.username) if by else "—"
    when = (
        timezone.localtime(standard.published_at).strftime("%Y-%m-%d %H:%M") if standard.published_at else "—"
    )
    return _(
        "Version %(version)s was published on %(when)s by %(who)s and can no longer be changed: "
        "make a new version to change it."
    ) % {"version": standard.version, "when": when, "who": who}


def _locked(standard: StandardVersion) -> StandardVersion:
    return (
        StandardVersion.objects.select_for_update(of=("self",)).select_related("province").get(pk=standard.pk)
    )


def _check_revision(standard: StandardVersion, expected_revision: int | None) -> None:
    if expected_revision is not None and standard.revision != int(expected_revision):
        raise ConflictError(
            _(
                "Someone else saved this draft meanwhile. Your changes were not saved; they are "
                "still in the form: compare with the saved draft and save again."
            ),
            code="stale_version",
        )


def _editable(standard: StandardVersion, user, expected_revision: int | None) -> StandardVersion:
    """Lock the draft and check everything an edit needs; returns the locked row."""
    _require_configurer(user, standard.province_id)
    locked = _locked(standard)
    _require_draft(locked)
    _require_year_open(locked.province, locked.year)
    _check_revision(locked, expected_revision)
    return locked


def _bump(standard: StandardVersion) -> None:
    standard.revision += 1
    standard.save(update_fields=["revision", "updated_at"])


# --- Start a draft --------------------------------------------------------------


def standard_draft_start(*, user, province, year: int, source: StandardVersion) -> StandardVersion:
    """Start the local standard of `province` and `year` as a draft copy of `source`: the national
    standard, or a published local standard of the same province (last year's, or an earlier
    version of the same year, which makes the next version). Categories and criteria are copied
    with their mapping, points, thresholds and evidence rule.

    Refused when the year is frozen, when a draft of that year exists already (it is continued,
    not duplicated), or for anyone but the province's own department. Atomic; recorded in the
    history."""
    _require_configurer(user, province.pk)
    if not (source.is_national or (source.province_id == province.pk and source.is_published)):
        raise ServiceError(
            _("Start from the national standard or from a published standard of your province."),
            code="invalid_source",
            field="source",
        )
    with transaction.atomic():
        # Serialise starts of the same province and year on the province's standards.
        list(StandardVersion.objects.select_for_update().filter(province=province, year=year))
        _require_year_open(province, year)
        draft = StandardVersion.objects.filter(
            province=province, year=year, state=StandardState.DRAFT
        ).first()
        if draft is not None:
            raise ConflictError(
                _("A draft of the %(year)s standard exists already (version %(version)s): continue it.")
                % {"year": year, "version": draft.version},
                code="draft_exists",
            )
        last = StandardVersion.objects.filter(province=province, year=year).aggregate(v=Max("version"))["v"]
        version = (last or 0) + 1
        national = source if source.is_national else source.parent or selectors.national_standard()
        title_zh, title_en = _titles(source, province, year)
        standard = StandardVersion.objects.create(
            code=f"{province.pk[:2]}-{year}-v{version}",
            title_zh=title_zh,
            title_en=title_en,
            province=province,
            year=year,
            version=version,
            state=StandardState.DRAFT,
            parent=national,
            copied_from=source,
            total_points=source.total_points,
            pass_mark=source.pass_mark,
            created_by=user,
        )
        _copy_structure(source, standard)
        trace_append(
            kind=TraceKind.STANDARD,
            action=TraceAction.STANDARD_DRAFTED,
            actor=user,
            subject=standard.code,
            subject_label=standard.title_zh,
            province_id=province.pk,
            data={"year": year, "version": version, "copied_from": source.code},
        )
    return standard


def _titles(source: StandardVersion, province, year: int) -> tuple[str, str]:
    if not source.is_national and source.year == year:
        return source.title_zh, source.title_en
    texts = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            texts[language] = _("%(province)s green community creation standard (%(year)s)") % {
                "province": province.name,
                "year": year,
            }
    return texts["zh-hans"], texts["en"]


def _copy_structure(source: StandardVersion, target: StandardVersion) -> None:
    categories = {}
    for c in Category.objects.filter(standard=source).order_by("order"):
        categories[c.pk] = Category.objects.create(
            standard=target, code=c.code, order=c.order, name_zh=c.name_zh, name_en=c.name_en
        )
    Criterion.objects.bulk_create(
        [
            Criterion(
                standard=target,
                category=categories[c.category_id],
                number=c.number,
                # As the community read it: a text that contradicted its threshold is not copied on.
                text_zh=text_with_threshold(c.text_zh, unit=c.unit, threshold=c.threshold),
                text_en=text_with_threshold(c.text_en, unit=c.unit, threshold=c.threshold),
                kind=c.kind,
                figure_label_zh=c.figure_label_zh,
                figure_label_en=c.figure_label_en,
                threshold=c.threshold,
                points=c.points,
                requires_evidence=c.requires_evidence,
                # A national criterion maps onto itself: its copy maps onto it.
                national_criterion_id=c.national_criterion_id,
            )
            for c in Criterion.objects.filter(standard=source).order_by("number")
        ]
    )


# --- Edit a draft ------------------------------------------------------------------


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
        locked = _editable(standard, user, expected_revision)
        current = {c.pk: c for c in Criterion.objects.filter(standard=locked)}
        errors: dict[str, list[str]] = {}
        unknown = set(criteria) - set(current)
        if unknown:
            raise ServiceError(_("This criterion is not part of the draft."), code="not_found")
        national_ids = set(
            Criterion.objects.filter(standard_id=locked.parent_id).values_list("pk", flat=True)
        )
        category_ids = set(Category.objects.filter(standard=locked).values_list("pk", flat=True))
        changed: list[tuple[Criterion, dict]] = []
        for pk, values in criteria.items():
            row = {name: values.get(name, _value(current[pk], name)) for name in CRITERION_FIELDS}
            for name, message in _criterion_errors(row, national_ids, category_ids):
                errors.setdefault(criterion_field(pk, name), []).append(message)
            changed.append((current[pk], row))
        numbers: dict[int, list[int]] = {}
        final = {pk: criteria.get(pk, {}).get("number", c.number) for pk, c in current.items()}
        for pk, number in final.items():
            numbers.setdefault(number, []).append(pk)
        for number, pks in numbers.items():
            if len(pks) > 1:
                for pk in pks:
                    if pk in criteria:
                        errors.setdefault(criterion_field(pk, "number"), []).append(
                            _("Number %(n)s is used by another criterion.") % {"n": number}
                        )
        own = {name: data.get(name, getattr(locked, name)) for name in STANDARD_FIELDS}
        for name, message in _standard_errors(own):
            errors.setdefault(name, []).append(message)
        if errors:
            raise StandardInvalid(errors)
        for name in STANDARD_FIELDS:
            setattr(locked, name, own[name])
        locked.save(update_fields=[*STANDARD_FIELDS, "updated_at"])
        # Two steps, so that swapping numbers never meets the unique constraint half-way.
        moving = [c for c, row in changed if row["number"] != c.number]
        for c in moving:
            Criterion.objects.filter(pk=c.pk).update(number=c.number + 10000)
        for c, row in changed:
            for name in CRITERION_FIELDS:
                setattr(c, _attname(name), _db_value(row, name))
            if not c.is_figure:
                c.threshold, c.figure_label_zh, c.figure_label_en = None, "", ""
            c.save()
        _bump(locked)
    return locked


def _attname(name: str) -> str:
    return f"{name}_id" if name in ("category", "national_criterion") else name


def _value(criterion: Criterion, name: str):
    return getattr(criterion, _attname(name))


def _db_value(row: dict, name: str):
    value = row[name]
    if name in ("text_zh", "text_en", "figure_label_zh", "figure_label_en"):
        return (value or "").strip()
    return value


def _criterion_errors(row: dict, national_ids: set[int], category_ids: set[int]):
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
                message = _threshold_message(row[name], unit=unit, threshold=threshold)
                if message:
                    yield name, message
    points = row["points"]
    if points is not None and not (Decimal(0) <= Decimal(points) <= Decimal(1000)):
        yield "points", _("Points lie between 0 and 1000.")


def _threshold_message(text: str, *, unit, threshold) -> str:
    """Why a figure criterion's text may not say another value than its threshold ("" if it does
    not): the community reads the text and is checked against the threshold."""
    said = threshold_contradicted(text or "", unit=unit, threshold=threshold)
    if said is None:
        return ""
    return _(
        "The text says %(said)s %(unit)s but the threshold is %(threshold)s %(unit)s: a community "
        "reads the text and is checked against the threshold. Write %(threshold)s %(unit)s in the "
        "text, or change the threshold."
    ) % {"said": _plain(said), "threshold": _plain(threshold), "unit": unit.symbol}


def _standard_errors(own: dict):
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
                % {"total": _plain(total)},
            )


def _plain(value) -> str:
    return f"{Decimal(value).normalize():f}"


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
        locked = _editable(standard, user, expected_revision)
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
                kind=split_from.kind,
                figure_label_zh=split_from.figure_label_zh,
                figure_label_en=split_from.figure_label_en,
                threshold=split_from.threshold,
                requires_evidence=split_from.requires_evidence,
                national_criterion_id=split_from.national_criterion_id,
            )
        else:
            category = Category.objects.filter(standard=locked).order_by("-order").first()
            criterion = Criterion.objects.create(
                standard=locked,
                category=category,  # type: ignore[misc]  # a draft always has a category
                number=number,
                text_zh="",
            )
        _bump(locked)
    return criterion


def standard_criterion_drop(
    *, standard: StandardVersion, user, criterion: Criterion, expected_revision: int | None = None
) -> None:
    """Drop a local criterion from the draft, only while another criterion of the draft still maps
    onto its national criterion (an unmapped criterion can always be dropped)."""
    with transaction.atomic():
        locked = _editable(standard, user, expected_revision)
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
        _bump(locked)


# --- Publish ------------------------------------------------------------------------


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
            message = _threshold_message(getattr(c, name), unit=c.unit, threshold=c.threshold)
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
                    % {"sum": _plain(total), "total": _plain(standard.total_points)},
                )
            )
        if standard.pass_mark is None:
            problems.append(Problem("pass_mark", _("A scored standard needs a pass mark.")))
    elif points:
        problems.append(
            Problem(
                "total_points",
                _("Criteria have points: enter the total points (they add up to %(sum)s) and a pass mark.")
                % {"sum": _plain(sum(points, Decimal(0)))},
            )
        )
    if not criteria:
        problems.append(Problem("__all__", _("The standard has no criteria.")))
    return problems


def standard_publish(
    *, standard: StandardVersion, user, expected_revision: int | None = None
) -> StandardVersion:
    """Publish the draft: from now on it is immutable and, as the highest published version of its
    year, the standard every assessment of the province opened for that year is filled against.

    Refused (with the reason) when already published (a second click), when the year is frozen,
    when the draft changed since the page was read, or while anything in standard_problems
    remains. Atomic; the history records who published which version."""
    with transaction.atomic():
        locked = _editable(standard, user, expected_revision)
        problems = standard_problems(standard=locked)
        if problems:
            errors: dict[str, list[str]] = {}
            for p in problems:
                errors.setdefault(p.field, []).append(p.message)
            raise StandardInvalid(
                errors,
                _("The standard cannot be published yet:") + " " + " ".join(p.message for p in problems),
            )
        now = timezone.now()
        locked.state = StandardState.PUBLISHED
        locked.published_at = now
        locked.published_by = user
        locked.issued = timezone.localdate(now)
        locked.revision += 1
        from apps.targets.whatif import standard_whatif  # targets reads standards, not the reverse

        locked.forecast = standard_whatif(standard=locked)
        locked.save(
            update_fields=[
                "state",
                "published_at",
                "published_by",
                "issued",
                "revision",
                "forecast",
                "updated_at",
            ]
        )
        trace_append(
            kind=TraceKind.STANDARD,
            action=TraceAction.STANDARD_PUBLISHED,
            actor=user,
            subject=locked.code,
            subject_label=locked.title_zh,
            province_id=locked.province_id,
            data={
                "year": locked.year,
                "version": locked.version,
                "criteria": Criterion.objects.filter(standard=locked).count(),
                "total_points": None if locked.total_points is None else _plain(locked.total_points),
                "pass_mark": None if locked.pass_mark is None else _plain(locked.pass_mark),
                "copied_from": locked.copied_from.code if locked.copied_from else "",
            },
        )
    return locked


def standard_discard(*, standard: StandardVersion, user) -> None:
    """Delete a draft (its copy of categories and criteria with it). Published versions are never
    deleted. Recorded in the history."""
    _require_configurer(user, standard.province_id)
    with transaction.atomic():
        locked = _locked(standard)
        _require_draft(locked)
        code, title, province_id = locked.code, locked.title_zh, locked.province_id
        data = {"year": locked.year, "version": locked.version}
        Criterion.objects.filter(standard=locked).delete()
        Category.objects.filter(standard=locked).delete()
        locked.delete()
        trace_append(
            kind=TraceKind.STANDARD,
            action=TraceAction.STANDARD_DISCARDED,
            actor=user,
            subject=code,
            subject_label=title,
            province_id=province_id,
            data=data,
        )
