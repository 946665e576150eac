"""The standards pages (/standards/): provincial staff compose, preview and publish their province's
local standard of a campaign year; the ministry reads every province's. Thin: reads through the
selectors' visible_to (another province's standard answers 404), writes through the services,
whose refusals are shown next to the field with what was typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.capabilities import can_configure_province, can_read_standards, is_province_staff
from apps.core.campaign import campaign_year
from apps.core.errors import ConflictError, ForbiddenError, ServiceError

from . import checks, editing, hooks, selectors, services
from .forms import CriterionForm, StandardForm, StartForm, plain
from .models import Category, Criterion, StandardState, StandardVersion


def _require_reader(request) -> None:
    if not can_read_standards(request.user):
        raise PermissionDenied


def _standard_or_404(request, pk) -> StandardVersion:
    _require_reader(request)
    try:
        return selectors.standard_get(user=request.user, pk=pk)
    except StandardVersion.DoesNotExist:
        raise Http404 from None


def _frozen(standard: StandardVersion) -> str:
    """The reason the standard's year can no longer change ("" while it can)."""
    if standard.is_national:
        return ""
    opened = selectors.opened_assessments(province=standard.province_id, year=standard.year)
    return services.frozen_message(standard.province, standard.year, opened) if opened else ""


# --- The list and starting a year's standard ------------------------------------------------


def _start_options(user) -> tuple[list[int], list[tuple[int, str]]]:
    """Years a province may start (the campaign year and the next) and the standards to copy."""
    year = campaign_year()
    sources = [(selectors.national_standard().pk, _("The national trial standard (2020)"))]
    published = selectors.standard_list(user=user, province=user.region_id).filter(
        state=StandardState.PUBLISHED
    )
    sources += [
        (s.pk, _("%(title)s, version %(version)s") % {"title": s.title, "version": s.version})
        for s in published
    ]
    return [year, year + 1], sources


@login_required
@require_GET
def index(request):
    _require_reader(request)
    user = request.user
    standards = list(selectors.standard_list(user=user).filter(province__isnull=False))
    context = _index_context(standards)
    if is_province_staff(user) and can_configure_province(user, user.region_id):
        years, sources = _start_options(user)
        context["years"] = [
            {
                "year": y,
                "standard": selectors.standard_for(province=user.region_id, year=y),
                "draft": next((s for s in standards if s.year == y and s.state == StandardState.DRAFT), None),
                "opened": selectors.opened_assessments(province=user.region_id, year=y),
            }
            for y in years
        ]
        # The first year still open is the one to start (the campaign year is often frozen).
        open_years = [y["year"] for y in context["years"] if not y["opened"]] or years
        context["start_form"] = StartForm(years=years, sources=sources, initial={"year": open_years[0]})
    return render(request, "standards/index.html", context)


@login_required
@require_POST
def start(request):
    _require_reader(request)
    user = request.user
    if not (is_province_staff(user) and can_configure_province(user, user.region_id)):
        raise PermissionDenied
    years, sources = _start_options(user)
    form = StartForm(request.POST, years=years, sources=sources)
    if form.is_valid():
        try:
            source = selectors.standard_get(user=user, pk=form.cleaned_data["source"])
            standard = services.standard_draft_start(
                user=user, province=user.region, year=form.cleaned_data["year"], source=source
            )
        except StandardVersion.DoesNotExist:
            form.add_error("source", _("Choose a standard from the list."))
        except ForbiddenError:
            raise PermissionDenied from None
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The draft was started: edit it, preview it, then publish it."))
            return redirect("standards:detail", pk=standard.pk)
    standards = list(selectors.standard_list(user=user).filter(province__isnull=False))
    return render(
        request, "standards/index.html", {**_index_context(standards), "start_form": form}, status=400
    )


def _index_context(standards) -> dict:
    return {
        "standards": standards,
        "year": campaign_year(),
        "national": selectors.national_standard(),
        "national_count": selectors.national_criteria().count(),
    }


# --- One standard: edit a draft, read a published one ------------------------------------------


def _structure(standard: StandardVersion):
    criteria = list(selectors.criteria_of(standard))
    categories = list(Category.objects.filter(standard=standard).order_by("order"))
    national = list(selectors.national_criteria())
    return criteria, categories, national


def _forms(standard: StandardVersion, data=None):
    criteria, categories, national = _structure(standard)
    header = StandardForm(
        data,
        initial={
            "title_zh": standard.title_zh,
            "title_en": standard.title_en,
            "total_points": plain(standard.total_points),
            "pass_mark": plain(standard.pass_mark),
            "revision": standard.revision,
        },
    )
    rows = [
        CriterionForm(data, criterion=c, categories=categories, national=national)
        if data is not None
        else CriterionForm(criterion=c, categories=categories, national=national)
        for c in criteria
    ]
    return header, rows, criteria, national


def _mapping(criteria: list[Criterion], national: list[Criterion]) -> list[dict]:
    """Each national criterion with the local criteria that count under it."""
    by_national: dict[int, list[Criterion]] = {}
    for c in criteria:
        by_national.setdefault(c.national_criterion_id, []).append(c)
    return [{"national": n, "local": by_national.get(n.pk, [])} for n in national]


def _attach(messages_by_field: dict[str, list[str]], header, rows, *, error: bool) -> dict[str, list[str]]:
    """Put each message next to its field, as an error (a refused save or publish) or a warning
    (what still stops publishing, shown while editing): `form.flagged[field]` lists
    {"text", "error"}. Returns what belongs to no form (the mapping table's "national-N", and
    "__all__" for the standard as a whole)."""
    by_id = {f.criterion.pk: f for f in rows}
    rest: dict[str, list[str]] = {}
    for key, texts in messages_by_field.items():
        form, name = None, key
        if key.startswith("c") and "-" in key and key[1 : key.index("-")].isdigit():
            form = by_id.get(int(key[1 : key.index("-")]))
            name = key[key.index("-") + 1 :]
        elif key in header.fields:
            form = header
        if form is None:
            rest.setdefault(key, []).extend(texts)
            continue
        if not hasattr(form, "flagged"):
            form.flagged = {}
        name = name if name in form.fields else "general"
        form.flagged.setdefault(name, []).extend({"text": t, "error": error} for t in texts)
    return rest


def _already(key: str, header, rows, flagged: set) -> bool:
    if key.startswith("c") and "-" in key and key[1 : key.index("-")].isdigit():
        row = next((f for f in rows if f.criterion.pk == int(key[1 : key.index("-")])), None)
        return row is not None and (id(row), key[key.index("-") + 1 :]) in flagged
    return (id(header), key) in flagged


def _problem_dict(standard: StandardVersion) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}
    for p in checks.standard_problems(standard=standard):
        problems.setdefault(p.field, []).append(p.message)
    return problems


def _whatif(standard: StandardVersion) -> dict | None:
    """A draft's forecast computed now; a published version's as kept when it was published, beside
    the result of its year once that year's figures are stored."""
    if standard.is_published:
        return hooks.forecast_against_result(standard=standard)
    return hooks.standard_forecast(standard=standard)


def _edit_page(request, standard, header, rows, criteria, national, *, errors=None, status=200, error=""):
    problems = _problem_dict(standard)
    rest_errors = _attach(errors or {}, header, rows, error=True)
    # A refused field shows its error; the same field's publishing warning would only repeat it.
    flagged = {(id(f), name) for f in [header, *rows] for name, items in getattr(f, "flagged", {}).items()}
    rest = _attach(
        {k: v for k, v in problems.items() if not _already(k, header, rows, flagged)},
        header,
        rows,
        error=False,
    )
    mapping = _mapping(criteria, national)
    for m in mapping:
        key = f"national-{m['national'].number}"
        m["warnings"] = rest.get(key, [])
        m["errors"] = rest_errors.get(key, [])
    return render(
        request,
        "standards/edit.html",
        {
            "standard": standard,
            "header": header,
            "rows": rows,
            "mapping": mapping,
            "problems": [text for texts in problems.values() for text in texts],
            "general_errors": rest_errors.get("__all__", []),
            "whatif": _whatif(standard),
            "error": error,
            "frozen": _frozen(standard),
        },
        status=status,
    )


def _read_page(request, standard, *, error: str = "", status: int = 200):
    criteria, _categories, national = _structure(standard)
    can_edit = not standard.is_national and can_configure_province(request.user, standard.province_id)
    frozen = _frozen(standard)
    draft_exists = (
        not standard.is_national
        and StandardVersion.objects.filter(
            province_id=standard.province_id, year=standard.year, state=StandardState.DRAFT
        ).exists()
    )
    in_force = (
        not standard.is_national
        and selectors.standard_for(province=standard.province_id, year=standard.year).pk == standard.pk
    )
    return render(
        request,
        "standards/view.html",
        {
            "standard": standard,
            "criteria": criteria,
            "mapping": _mapping(criteria, national),
            "can_new_version": can_edit and standard.is_published and not frozen and not draft_exists,
            "frozen": frozen,
            "in_force": in_force,
            "whatif": None if standard.is_national else _whatif(standard),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def detail(request, pk):
    standard = _standard_or_404(request, pk)
    editable = (
        standard.state == StandardState.DRAFT
        and not standard.is_national
        and can_configure_province(request.user, standard.province_id)
    )
    if request.method == "GET":
        if not editable:
            return _read_page(request, standard)
        header, rows, criteria, national = _forms(standard)
        return _edit_page(request, standard, header, rows, criteria, national)
    if standard.is_national or not can_configure_province(request.user, standard.province_id):
        raise PermissionDenied
    return _save(request, standard)


def _action(request) -> tuple[str, int | None]:
    raw = request.POST.get("action", "save")
    name, _sep, target = raw.partition("-")
    if name in ("split", "drop") and target.isdigit():
        return name, int(target)
    return (name if name in ("save", "add", "preview") else "save"), None


def _save(request, standard: StandardVersion):
    """Save everything typed; then add, split, drop or go to the preview. A refusal re-renders the
    page with every message next to its field and every typed value kept."""
    data = request.POST.copy()
    header, rows, criteria, national = _forms(standard, data)
    action, target = _action(request)
    kept = [f for f in rows if not (action == "drop" and f.criterion.pk == target)]
    page = (request, standard, header, rows, criteria, national)
    if not (header.is_valid() and all(f.is_valid() for f in kept)):
        return _edit_page(*page, status=400, error=_("Correct the fields marked below: nothing was saved."))
    user = request.user
    try:
        saved = editing.standard_update(
            standard=standard,
            user=user,
            data=header.standard_data(),
            criteria={f.criterion.pk: f.cleaned_data for f in kept},
            expected_revision=header.cleaned_data["revision"],
        )
    except services.StandardInvalid as exc:
        return _edit_page(*page, errors=exc.errors, status=400, error=exc.message)
    except ConflictError as exc:
        if exc.code == "stale_version":
            # Saving again (deliberately) replaces the other person's version with this one.
            data["revision"] = str(StandardVersion.objects.get(pk=standard.pk).revision)
            header, rows, criteria, national = _forms(StandardVersion.objects.get(pk=standard.pk), data)
            return _edit_page(
                request, standard, header, rows, criteria, national, status=409, error=exc.message
            )
        return _read_page(request, StandardVersion.objects.get(pk=standard.pk), error=exc.message, status=409)
    except ForbiddenError:
        raise PermissionDenied from None
    url = reverse("standards:detail", args=[standard.pk])
    try:
        if action == "add":
            added = editing.standard_criterion_add(standard=saved, user=user)
            return redirect(f"{url}#c{added.pk}")
        if action == "split":
            source = _criterion_of(saved, target)
            added = editing.standard_criterion_add(standard=saved, user=user, split_from=source)
            messages.success(
                request,
                _("Criterion %(n)s was split: criterion %(m)s counts under the same national criterion.")
                % {"n": source.number, "m": added.number},
            )
            return redirect(f"{url}#c{added.pk}")
        if action == "drop":
            dropped = _criterion_of(saved, target)
            editing.standard_criterion_drop(standard=saved, user=user, criterion=dropped)
            messages.success(request, _("Criterion %(n)s was dropped.") % {"n": dropped.number})
            return redirect(url)
    except ServiceError as exc:
        # What was typed is saved; only the action was refused: say why next to its row.
        header, rows, criteria, national = _forms(StandardVersion.objects.get(pk=standard.pk))
        errors = {exc.field or "__all__": [exc.message]}
        return _edit_page(
            request, saved, header, rows, criteria, national, errors=errors, status=400, error=exc.message
        )
    if action == "preview":
        return redirect("standards:preview", pk=standard.pk)
    messages.success(request, _("The draft was saved."))
    return redirect(url)


def _criterion_of(standard: StandardVersion, pk: int | None) -> Criterion:
    criterion = (
        Criterion.objects.filter(standard=standard, pk=pk).select_related("national_criterion").first()
    )
    if criterion is None:
        raise Http404
    return criterion


# --- Preview and publish ---------------------------------------------------------------


@login_required
@require_GET
def preview(request, pk):
    """The standard as the community will see it, with the publish button for a draft."""
    standard = _standard_or_404(request, pk)
    return render(request, "standards/preview.html", _preview_context(request, standard))


def _preview_context(request, standard: StandardVersion, *, error: str = "") -> dict:
    criteria = list(selectors.criteria_of(standard))
    groups: dict[int, dict] = {}
    for c in criteria:
        groups.setdefault(c.category_id, {"category": c.category, "criteria": []})["criteria"].append(c)
    can_publish = (
        standard.state == StandardState.DRAFT
        and not standard.is_national
        and can_configure_province(request.user, standard.province_id)
    )
    return {
        "standard": standard,
        "groups": sorted(groups.values(), key=lambda g: g["category"].order),
        "count": len(criteria),
        "can_publish": can_publish,
        "problems": [p.message for p in checks.standard_problems(standard=standard)] if can_publish else [],
        "frozen": _frozen(standard),
        "error": error,
    }


@login_required
@require_POST
def publish(request, pk):
    standard = _standard_or_404(request, pk)
    revision = request.POST.get("revision", "")
    try:
        services.standard_publish(
            standard=standard,
            user=request.user,
            expected_revision=int(revision) if revision.isdigit() else None,
        )
    except ForbiddenError:
        raise PermissionDenied from None
    except services.StandardInvalid as exc:
        # Back to the draft with each problem next to its field.
        header, rows, criteria, national = _forms(standard)
        return _edit_page(
            request,
            standard,
            header,
            rows,
            criteria,
            national,
            errors=exc.errors,
            status=400,
            error=exc.message,
        )
    except ServiceError as exc:
        current = StandardVersion.objects.get(pk=standard.pk)
        return render(
            request,
            "standards/preview.html",
            _preview_context(request, current, error=exc.message),
            status=409,
        )
    messages.success(
        request,
        _(
            "Version %(version)s of the %(year)s standard was published: it applies to every self-assessment of %(year)s opened from now on."
        )
        % {"version": standard.version, "year": standard.year},
    )
    return redirect("standards:detail", pk=standard.pk)


def _own_local_standard(request, pk) -> StandardVersion:
    """A local standard the user's provincial department configures (403 otherwise, 404 out of
    scope)."""
    standard = _standard_or_404(request, pk)
    if standard.is_national or not can_configure_province(request.user, standard.province_id):
        raise PermissionDenied
    return standard


@login_required
@require_POST
def new_version(request, pk):
    """A new draft version of the year's standard, copied from this published one."""
    standard = _own_local_standard(request, pk)
    try:
        draft = services.standard_draft_start(
            user=request.user, province=standard.province, year=standard.year, source=standard
        )
    except ForbiddenError:
        raise PermissionDenied from None
    except ServiceError as exc:
        return _read_page(request, standard, error=exc.message, status=409)
    messages.success(request, _("Version %(version)s was started as a draft.") % {"version": draft.version})
    return redirect("standards:detail", pk=draft.pk)


@login_required
@require_POST
def discard(request, pk):
    standard = _own_local_standard(request, pk)
    try:
        services.standard_discard(standard=standard, user=request.user)
    except ForbiddenError:
        raise PermissionDenied from None
    except ServiceError as exc:
        return _read_page(request, standard, error=exc.message, status=409)
    messages.success(request, _("The draft was discarded."))
    return redirect("standards:index")
