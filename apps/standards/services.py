"""The life of a local standard version: start a draft, publish it, discard it; and the guards every
write to a draft shares (apps.standards.editing edits the draft in between; apps.standards.checks
says what a draft must satisfy).

Each service is atomic, holds the standard's row lock, checks that the acting user is the
province's own department (`can_configure_province`; scope, i.e. 404 for another province's
standard, is the views' `visible_to`), and refuses with a readable message (ServiceError and its
ConflictError / ForbiddenError) whatever would break the rules of docs/figures.md ("Standards"):
a published version is immutable, a frozen year cannot change, one draft per province and year.
Starting, publishing and discarding are recorded in the history (trace_append, kind "standard").
"""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.accounts.capabilities import can_configure_province
from apps.core.errors import ConflictError, ForbiddenError, ServiceError
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

from . import hooks, selectors
from .checks import plain_number, standard_problems
from .models import Category, Criterion, StandardState, StandardVersion, text_with_threshold


class StandardInvalid(ServiceError):
    """Refused input, with the messages per field ("pass_mark", "c<criterion id>-points", ...;
    "__all__" for the standard as a whole) so that each is shown next to its field."""

    def __init__(self, errors: dict[str, list[str]], message=None):
        super().__init__(message or _("Correct the fields marked below."), code="invalid", field="__all__")
        self.errors = errors


# --- Guards ------------------------------------------------------------------------------------------


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


def editable_draft_lock(standard: StandardVersion, user, expected_revision: int | None) -> StandardVersion:
    """Lock the draft and check everything an edit needs; returns the locked row."""
    _require_configurer(user, standard.province_id)
    locked = _locked(standard)
    _require_draft(locked)
    _require_year_open(locked.province, locked.year)
    _check_revision(locked, expected_revision)
    return locked


def draft_revision_bump(standard: StandardVersion) -> None:
    """Count one more saved change of the draft (the optimistic lock of the editing page)."""
    standard.revision += 1
    standard.save(update_fields=["revision", "updated_at"])


def _standard_trace(standard: StandardVersion, user, action: str, **data) -> None:
    """Record a step of the standard's life in the history (its year and version first)."""
    trace_append(
        kind=TraceKind.STANDARD,
        action=action,
        actor=user,
        subject=standard.code,
        subject_label=standard.title_zh,
        province_id=standard.province_id,
        data={"year": standard.year, "version": standard.version, **data},
    )


# --- Start a draft -----------------------------------------------------------------------------------


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
        _standard_trace(standard, user, TraceAction.STANDARD_DRAFTED, copied_from=source.code)
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


def criterion_rule_values(criterion: Criterion) -> dict:
    """What a copy or a split of a criterion keeps: its kind of answer, its figure and threshold,
    its evidence rule and the national criterion it maps onto."""
    return {
        "kind": criterion.kind,
        "figure_label_zh": criterion.figure_label_zh,
        "figure_label_en": criterion.figure_label_en,
        "threshold": criterion.threshold,
        "requires_evidence": criterion.requires_evidence,
        "national_criterion_id": criterion.national_criterion_id,
    }


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
                points=c.points,
                # A national criterion maps onto itself: its copy maps onto it.
                **criterion_rule_values(c),
            )
            for c in Criterion.objects.filter(standard=source).order_by("number")
        ]
    )


# --- Publish, discard --------------------------------------------------------------------------------


def standard_publish(
    *, standard: StandardVersion, user, expected_revision: int | None = None
) -> StandardVersion:
    """Publish the draft: from now on it is immutable and, as the highest published version of its
    year, the standard every assessment of the province opened for that year is filled against.

    Refused (with the reason) when already published (a second click), when the year is frozen,
    when the draft changed since the page was read, or while anything in standard_problems
    remains. Atomic; the history records who published which version."""
    with transaction.atomic():
        locked = editable_draft_lock(standard, user, expected_revision)
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
        locked.forecast = hooks.standard_forecast(standard=locked)
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
        _standard_trace(
            locked,
            user,
            TraceAction.STANDARD_PUBLISHED,
            criteria=Criterion.objects.filter(standard=locked).count(),
            total_points=None if locked.total_points is None else plain_number(locked.total_points),
            pass_mark=None if locked.pass_mark is None else plain_number(locked.pass_mark),
            copied_from=locked.copied_from.code if locked.copied_from else "",
        )
    return locked


def standard_discard(*, standard: StandardVersion, user) -> None:
    """Delete a draft (its copy of categories and criteria with it). Published versions are never
    deleted. Recorded in the history."""
    _require_configurer(user, standard.province_id)
    with transaction.atomic():
        locked = _locked(standard)
        _require_draft(locked)
        Criterion.objects.filter(standard=locked).delete()
        Category.objects.filter(standard=locked).delete()
        locked.delete()  # empties the primary key only: code, title, year and version stay for the history
        _standard_trace(locked, user, TraceAction.STANDARD_DISCARDED)
