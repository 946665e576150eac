"""The targets pages (/targets/): the level above sets its areas' targets (one by one or by XLSX),
every area reads its own and its children's against the actual figures; a city or county keeps its
creation list. Thin: reads through the selectors (scoped), writes through the services, refusals
shown next to the field with what was typed kept."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.campaign import campaign_year
from apps.core.errors import ServiceError
from apps.core.exports import export_response
from apps.core.views import attempt
from apps.regions.models import Region

from . import exports, selectors, services
from .forms import CreationListForm, ImportForm, TargetForm
from .models import Target, TargetEvent, area_visible_q
from .rules import (
    can_read_targets,
    can_set_target,
    child_areas,
    keeps_creation_list,
    sets_targets,
    setter_region,
)

# The import page's intro, here because a {% translate %} tag cannot span lines of a template.
IMPORT_HELP = gettext_lazy(
    "One row per area below a header row: area code (12 digits, or the leading "
    "digits), target share participating (%), target share meeting the requirements "
    "(%), pilot communities per street. Nothing is imported unless every row is "
    "right."
)

MAX_UPLOAD = 2 * 1024 * 1024


def _require_reader(request) -> None:
    if not can_read_targets(request.user):
        raise PermissionDenied


def _area_or_404(request, code: str) -> Region:
    _require_reader(request)
    try:
        return Region.objects.filter(area_visible_q(request.user, "")).get(
            pk=code, level__in=("province", "city", "county")
        )
    except Region.DoesNotExist:
        raise Http404 from None


@login_required
@require_GET
def index(request):
    _require_reader(request)
    return redirect("targets:year", year=campaign_year())


@login_required
@require_GET
def year_page(request, year: int):
    """The caller's own targets (read only) and, for a setter, its areas' targets against actuals."""
    _require_reader(request)
    user = request.user
    own = None
    region = getattr(user, "region", None)
    if region is not None and region.level in ("province", "city", "county"):
        own = selectors.area_progress(year=year, area=region)
    rows = []
    if sets_targets(user):
        rows = selectors.progress_rows(year=year, parent=setter_region(user))
    return render(
        request,
        "targets/year.html",
        {
            "year": year,
            "own": own,
            "rows": rows,
            "counts": selectors.state_counts(rows),
            "setter": sets_targets(user),
            "keeps_list": keeps_creation_list(user),
            "years": list(range(2020, campaign_year() + 1)),
        },
    )


def _render_area(request, area: Region, year: int, form: TargetForm | None):
    user = request.user
    events = TargetEvent.objects.visible_to(user).filter(area=area, year=year).select_related("actor")[:50]
    return render(
        request,
        "targets/area.html",
        {
            "year": year,
            "area": area,
            "row": selectors.area_progress(year=year, area=area),
            "form": form,
            "events": events,
            "children": selectors.progress_rows(year=year, parent=area) if child_areas(area).exists() else [],
        },
    )


@login_required
@require_GET
def area_page(request, year: int, code: str):
    """One area's target of a year: its actual and state, its history; the level above edits it."""
    area = _area_or_404(request, code)
    form = None
    if can_set_target(request.user, area):
        target = Target.objects.filter(area=area, year=year).first()
        initial = {}
        if target is not None:
            initial = {
                "participation": "" if target.participation is None else target.participation.normalize(),
                "meeting": target.meeting.normalize(),
                "pilots_per_street": target.pilots_per_street or "",
                "version": target.version,
            }
        form = TargetForm(initial=initial)
    return _render_area(request, area, year, form)


@login_required
@require_POST
def area_set(request, year: int, code: str):
    """Set an area's targets: the level above only (the area itself and everyone else 403)."""
    area = _area_or_404(request, code)
    user = request.user
    if not can_set_target(user, area):
        raise PermissionDenied
    form = TargetForm(request.POST)
    if form.is_valid():
        try:
            services.target_set(
                user=user,
                area=area,
                year=year,
                participation=form.cleaned_data["participation"],
                meeting=form.cleaned_data["meeting"],
                pilots_per_street=form.cleaned_data["pilots_per_street"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The targets of %(area)s were saved.") % {"area": area.name})
            return redirect("targets:area", year=year, code=area.code)
    return _render_area(request, area, year, form)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, year: int):
    """Import the targets of the caller's areas from an XLSX workbook: all or nothing."""
    if not sets_targets(request.user):
        raise PermissionDenied
    problems = []
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > MAX_UPLOAD:
                raise ServiceError(_("The file is larger than 2 MB."), field="file")
            rows = services.read_xlsx_rows(upload.read())
            count = services.targets_import(user=request.user, year=year, rows=rows)
        except services.ImportRejected as exc:
            form.add_error("file", exc.message)
            problems = [message for _row, message in exc.problems]
        except ServiceError as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("%(n)s target(s) imported.") % {"n": count})
            return redirect("targets:year", year=year)
    context = {"year": year, "form": form, "problems": problems, "import_help": IMPORT_HELP}
    return render(request, "targets/import.html", context)


def _export_rows(rows):
    for r in rows:
        yield (
            r["code"],
            r["name"],
            r["registered"],
            r["participating"],
            r["meeting"],
            "" if r["participation_pct"] is None else r["participation_pct"],
            "" if r["share_pct"] is None else r["share_pct"],
            *exports.target_cells(r),
        )


EXPORT_HEADER = (
    gettext_lazy("Code"),
    gettext_lazy("Area"),
    gettext_lazy("Registered"),
    gettext_lazy("Participating"),
    gettext_lazy("Meeting the requirements"),
    gettext_lazy("Share participating (%)"),
    gettext_lazy("Share meeting the requirements (%)"),
    *exports.TARGET_HEADER,
)


@login_required
@require_GET
def export(request, year: int, fmt: str):
    """The caller's areas (or its own area) against their targets, as CSV or XLSX."""
    _require_reader(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    user = request.user
    if sets_targets(user):
        rows = selectors.progress_rows(year=year, parent=setter_region(user))
    elif getattr(user, "region", None) is not None and user.region.level != "street":
        rows = [selectors.area_progress(year=year, area=user.region)]
    else:
        rows = []
    return export_response(
        fmt=fmt,
        basename=f"targets-{year}",
        sheet=str(year),
        header=[str(h) for h in EXPORT_HEADER],
        rows=_export_rows(rows),
    )


# --- creation lists ----------------------------------------------------------------------------


def _codes_from_file(upload) -> list[str]:
    rows = services.read_xlsx_rows(upload.read())
    return [str(cells[0]) for _n, cells in rows if cells[0] not in (None, "")]


@login_required
@require_http_methods(["GET", "POST"])
def creation_list(request, year: int):
    """The caller's (city or county) creation list of a year: add by code, file or pick."""
    user = request.user
    if not keeps_creation_list(user):
        raise PermissionDenied
    area = user.region
    street = request.GET.get("street", "")
    form = CreationListForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        typed = form.cleaned_data["codes"].replace(",", "\n").replace("，", "\n").replace("、", "\n").split()
        codes = [*typed, *request.POST.getlist("pick")]
        try:
            if form.cleaned_data.get("file"):
                codes += _codes_from_file(form.cleaned_data["file"])
            added = services.creation_list_add(user=user, year=year, codes=codes)
        except ServiceError as exc:
            form.add_error("codes", exc.message)
        else:
            messages.success(request, _("%(n)s community(ies) added to the list.") % {"n": added})
            return redirect(
                reverse("targets:list", kwargs={"year": year}) + (f"?street={street}" if street else "")
            )
    entries = list(selectors.creation_list(user=user, year=year, area=area))
    candidates = selectors.creation_list_candidates(user=user, year=year, area=area, street=street)[:200]
    streets = (
        Region.objects.filter(level="street", county_id=area.code)
        if area.level == "county"
        else Region.objects.filter(level="street", city_id=area.code)
    )
    return render(
        request,
        "targets/list.html",
        {
            "year": year,
            "area": area,
            "form": form,
            "entries": entries,
            "figures": selectors.creation_list_figures(year=year, area=area),
            "candidates": candidates,
            "streets": streets.order_by("code").only("code", "name"),
            "street": street,
        },
    )


@login_required
@require_POST
def creation_list_remove(request, year: int, code: str):
    if not keeps_creation_list(request.user):
        raise PermissionDenied
    try:
        services.creation_list_remove(user=request.user, year=year, code=code)
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from None
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed from the list."))
    return redirect("targets:list", year=year)


# --- implementation plans ----------------------------------------------------------------------


def _plan_or_404(request, pk: int):
    from .models import ImplementationPlan

    _require_reader(request)
    try:
        return ImplementationPlan.objects.visible_to(request.user).select_related("area").get(pk=pk)
    except ImplementationPlan.DoesNotExist:
        raise Http404 from None


def _plans_page(request, *, form=None):
    """The plans page: the caller's own plan (and its form, when asked, bound to what was typed
    after a refusal) and the plans of the areas it asked."""
    from .forms import PlanForm
    from .models import ImplementationPlan

    user = request.user
    region = getattr(user, "region", None)
    own = ImplementationPlan.objects.filter(area=region).first() if region is not None else None
    request_for_own = (
        services.plan_request_for(region) if region is not None and region.level != "street" else None
    )
    rows = selectors.plan_rows(user=user, parent=setter_region(user)) if sets_targets(user) else []
    if form is None and request_for_own and user.role in ("province", "city"):
        form = PlanForm()
    return render(
        request,
        "targets/plans.html",
        {
            "own": own,
            "own_request": request_for_own,
            "form": form if request_for_own else None,
            "rows": rows,
            "filed": sum(1 for r in rows if r["plan"]),
        },
    )


@login_required
@require_GET
def plans(request):
    """The caller's own plan (and its form, when asked) and the plans of the areas it asked."""
    _require_reader(request)
    return _plans_page(request)


@login_required
@require_POST
def plan_file(request):
    """File (or replace) the caller's plan; a refusal shows the page again with what was typed
    and the reason beside the field (the file has to be chosen again: browsers never keep it)."""
    from .forms import PlanForm

    user = request.user
    if user.role not in ("province", "city") or getattr(user, "region", None) is None:
        raise PermissionDenied
    form = PlanForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_file(
                user=user,
                uploaded_file=data["file"],
                document_number=data["document_number"],
                issued_on=data["issued_on"],
                co_issuers=data["co_issuers"],
                period_from=data["period_from"],
                period_to=data["period_to"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("The implementation plan was filed."))
            return redirect("targets:plans")
    return _plans_page(request, form=form)


@login_required
@require_POST
def plan_decide(request, pk: int):
    from .forms import PlanDecisionForm

    plan = _plan_or_404(request, pk)
    if not can_set_target(request.user, plan.area):
        raise PermissionDenied
    form = PlanDecisionForm(request.POST)
    if form.is_valid():
        attempt(
            request,
            lambda: services.plan_decide(
                user=request.user,
                plan=plan,
                decision=form.cleaned_data["decision"],
                comments=form.cleaned_data["comments"],
                expected_version=form.cleaned_data.get("version"),
            ),
            success=_("The decision on the plan of %(area)s was saved.") % {"area": plan.area.name},
        )
    else:
        messages.error(request, _("Choose accept or return."))
    return redirect("targets:plans")


@login_required
@require_GET
def plan_download(request, pk: int):
    from django.http import FileResponse

    plan = _plan_or_404(request, pk)
    content_type = (
        "application/pdf"
        if plan.file_kind == "pdf"
        else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    return FileResponse(
        plan.file.open("rb"),
        as_attachment=True,
        filename=plan.file_name or f"plan.{plan.file_kind}",
        content_type=content_type,
    )


# --- the annual bulletin (通报) -------------------------------------------------------------------


@login_required
@require_GET
def bulletin_pdf(request, year: int):
    """The ranking of the caller's areas for a year as an official notice (PDF)."""
    from django.http import HttpResponse

    from . import bulletin

    if not sets_targets(request.user):
        raise PermissionDenied
    data = bulletin.render(year=year, parent=setter_region(request.user))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bulletin-{year}.pdf"'
    return response


@login_required
@require_POST
def bulletin_publish(request, year: int):
    from . import bulletin

    if not sets_targets(request.user):
        raise PermissionDenied
    told = bulletin.bulletin_publish(user=request.user, year=year, parent=setter_region(request.user))
    messages.success(request, _("The bulletin was published to %(n)s department(s).") % {"n": told})
    return redirect("targets:year", year=year)
