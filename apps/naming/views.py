"""The province's naming pages: its procedure per year, batches (create from the proposed
assessments, preview, publish, name), objections (enter, resolve) and the official-document PDFs.
Nationwide users read them (the ministry sees the batches in progress per province), never the
objectors' contacts. Thin: reads are selectors, writes are services; a ServiceError becomes the
page again with the message and what was typed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.capabilities import can_read_naming, is_nationwide, is_province_staff
from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.core.drafts import form_save
from apps.core.errors import ServiceError
from apps.regions.models import Region
from apps.review import workflow

from . import documents, naming_act, objections, procedure, selectors, services
from .forms import BatchForm, NameForm, ProcedureForm, ResolveForm, StaffObjectionForm
from .models import Batch, Objection, ObjectionFile


def _year(raw) -> int:
    year = campaign_year()
    if raw and str(raw).isascii() and str(raw).isdigit() and FIRST_YEAR <= int(raw) <= year + 1:
        return int(raw)
    return year


def _staff_province(user) -> Region:
    if not is_province_staff(user):
        raise PermissionDenied
    return Region.objects.get(pk=user.region_id)


def _batch(user, pk) -> Batch:
    """The batch through the caller's scope: another unit's batch does not exist (404)."""
    if not can_read_naming(user):
        raise PermissionDenied
    batch = Batch.objects.visible_to(user).select_related("province").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def _form_error(form, exc: ServiceError) -> None:
    """The refusal next to its field (files have no form field: the template shows `files_error`)."""
    if exc.field == "files":
        form.files_error = exc.message
        return
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
@require_http_methods(["GET", "POST"])
def procedure_page(request):
    """The naming procedure of a year: proposes the defaults (7 calendar days, named by the
    province); frozen once a batch of the year is published."""
    province = _staff_province(request.user)
    year = _year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    current = selectors.procedure_for(province_id=province.pk, year=year)
    frozen = selectors.procedure_is_frozen(province_id=province.pk, year=year)
    status = 200
    if request.method == "POST":
        form = ProcedureForm(request.POST)
        saved = form_save(
            request,
            form,
            lambda data: services.naming_procedure_set(
                user=request.user, province_id=province.pk, year=year, **data
            ),
            done=_("The naming procedure of %(year)s was saved.") % {"year": year},
            then=reverse("naming:procedure") + f"?year={year}",
        )
        if not isinstance(saved, int):
            return saved
        status = saved
    else:
        initial = selectors.procedure_defaults()
        if current is not None:
            initial = {
                "notice_days": current.notice_days,
                "day_kind": current.day_kind,
                "namer": current.namer,
                "issuing_body": current.issuing_body,
                "steps": [s for s in current.steps.split(",") if s],
            }
        initial.setdefault("issuing_body", f"{province.name}住房和城乡建设厅")
        form = ProcedureForm(initial=initial)
    return render(
        request,
        "naming/procedure.html",
        {
            "form": form,
            "province": province,
            "year": year,
            "years": range(campaign_year() + 1, FIRST_YEAR - 1, -1),
            "current": current,
            "frozen": frozen,
        },
        status=status,
    )


@login_required
@require_GET
def batch_list(request):
    """The unit's batches of a year, and what is proposed outside any batch; for nationwide users
    the batches in public notice per province."""
    user = request.user
    if not can_read_naming(user):
        raise PermissionDenied
    year = _year(request.GET.get("year"))
    batches = list(selectors.batches_for(user=user, year=year))
    counts = selectors.batch_objection_counts(b.pk for b in batches)
    for b in batches:
        b.objection_counts = counts.get(b.pk, {"total": 0, "open": 0})
    context = {
        "year": year,
        "years": range(campaign_year() + 1, FIRST_YEAR - 1, -1),
        "batches": batches,
        "nationwide": is_nationwide(user),
        "stages": [],
    }
    if is_province_staff(user):
        context["procedure"] = selectors.procedure_for(province_id=user.region_id, year=year)
        context["proposed"] = selectors.proposed_outside_batches(
            province_id=user.region_id, year=year
        ).count()
        context["counts"] = _stage_counts(year=year, province_id=user.region_id)
    elif is_nationwide(user):
        context["in_progress"] = selectors.batches_in_progress_by_province()
        context["counts"] = _stage_counts(year=year)
    else:
        # A prefecture-level city's department: the batches delegated to it, nothing else.
        context["counts"] = []
    return render(request, "naming/batches.html", context)


def _stage_counts(**kw) -> list[tuple[str, int]]:
    counts = selectors.naming_counts(**kw)
    return [(procedure.stage_label(k), v) for k, v in counts.items()]


@login_required
@require_http_methods(["GET", "POST"])
def batch_new(request):
    """A new draft batch from the proposed assessments outside any batch (all ticked by default)."""
    province = _staff_province(request.user)
    year = _year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    proposed = list(selectors.proposed_outside_batches(province_id=province.pk, year=year))
    number = selectors.next_batch_number(province_id=province.pk, year=year)
    status = 200
    if request.method == "POST":
        form = BatchForm(request.POST, proposed=proposed)
        if form.is_valid():
            try:
                batch = services.batch_create(
                    user=request.user,
                    province_id=province.pk,
                    year=year,
                    title=form.cleaned_data["title"],
                    notice_start=form.cleaned_data["notice_start"],
                    assessment_ids=form.cleaned_data["assessments"],
                )
            except ServiceError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(request, _("The batch was created: check the list, then publish it."))
                return redirect("naming:batch", pk=batch.pk)
        else:
            status = 400
    else:
        form = BatchForm(
            proposed=proposed,
            initial={
                "title": _(
                    "List of communities proposed as green communities of %(province)s, %(year)s (batch %(number)s)"
                )
                % {"province": province.name, "year": year, "number": number},
                "notice_start": selectors.today(),
                "assessments": [a.pk for a in proposed],
            },
        )
    chosen = set(form["assessments"].value() or [])
    return render(
        request,
        "naming/batch_new.html",
        {
            "form": form,
            "year": year,
            "number": number,
            "proposed": proposed,
            "chosen": {int(c) for c in chosen if str(c).isdigit()},
            "procedure": selectors.procedure_for(province_id=province.pk, year=year),
        },
        status=status,
    )


def _batch_context(request, batch: Batch, **extra) -> dict:
    today = selectors.today()
    rows = selectors.batch_rows(batch)
    objections = list(selectors.batch_objections(batch))
    staff = is_province_staff(request.user, batch.province_id)
    entries_by_id = {r.entry_id: r for r in rows}
    for o in objections:
        o.row = entries_by_id.get(o.entry_id)
        o.levels = [
            (k, workflow.level_name(k, workflow.chain_of(o.entry.assessment)))
            for k in workflow.chain_of(o.entry.assessment)
        ]
    return {
        "batch": batch,
        "groups": selectors.grouped_by_area(rows),
        "objections": objections,
        "open_objections": sum(1 for o in objections if o.outcome == procedure.Outcome.OPEN),
        "actions": procedure.batch_actions(batch, today)
        if staff
        else [a for a in procedure.batch_actions(batch, today) if a == "name"]
        if selectors.may_name(user=request.user, batch=batch)
        else [],
        "staff": staff,
        "namer": staff or selectors.may_name(user=request.user, batch=batch),
        "today": today,
        "running": procedure.notice_running(batch, today),
        "scored": any(r.confirmed_total is not None for r in rows),
        "name_form": extra.pop("name_form", None)
        or NameForm(initial={"document_date": today, "expected_version": batch.version}),
        **extra,
    }


@login_required
@require_GET
def batch_detail(request, pk):
    batch = _batch(request.user, pk)
    return render(request, "naming/batch.html", _batch_context(request, batch))


@login_required
@require_POST
def batch_publish(request, pk):
    batch = _batch(request.user, pk)
    try:
        services.batch_publish(
            user=request.user, batch=batch, expected_version=request.POST.get("expected_version")
        )
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        messages.error(request, exc.message)
        return render(request, "naming/batch.html", _batch_context(request, batch), status=exc.status)
    messages.success(
        request,
        _("The batch is published: its public notice runs until %(end)s.") % {"end": batch.notice_end},
    )
    return redirect("naming:batch", pk=batch.pk)


@login_required
@require_POST
def batch_name(request, pk):
    batch = _batch(request.user, pk)
    form = NameForm(request.POST)
    if not form.is_valid():
        return render(
            request, "naming/batch.html", _batch_context(request, batch, name_form=form), status=400
        )
    try:
        named = naming_act.batch_name(user=request.user, batch=batch, **form.cleaned_data)
    except ServiceError as exc:
        if exc.status == 403:
            raise PermissionDenied from exc
        _form_error(form, exc)
        batch.refresh_from_db()
        return render(
            request, "naming/batch.html", _batch_context(request, batch, name_form=form), status=exc.status
        )
    messages.success(request, _("The batch was named by %(number)s.") % {"number": named.document_number})
    return redirect("naming:batch", pk=batch.pk)


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request, pk):
    """Staff enter an objection received by letter, phone or e-mail."""
    batch = _batch(request.user, pk)
    if not is_province_staff(request.user, batch.province_id):
        raise PermissionDenied
    rows = selectors.batch_rows(batch, include_left=False)
    status = 200
    if request.method == "POST":
        form = StaffObjectionForm(request.POST)
        if form.is_valid():
            try:
                objections.objection_submit(
                    batch=batch,
                    **form.objection_input(request.FILES.getlist("files")),
                    source=form.cleaned_data["source"],
                    user=request.user,
                )
            except ServiceError as exc:
                _form_error(form, exc)
                status = exc.status
            else:
                messages.success(
                    request, _("The objection was recorded; the community is held until it is resolved.")
                )
                return redirect("naming:batch", pk=batch.pk)
        else:
            status = 400
    else:
        form = StaffObjectionForm()
    return render(
        request,
        "naming/objection_new.html",
        {"batch": batch, "form": form, "rows": rows, "criteria": _criteria(batch)},
        status=status,
    )


def _criteria(batch: Batch):
    from apps.standards.models import Criterion

    standard_ids = batch.entries.values("assessment__standard_id")
    return (
        Criterion.objects.filter(standard_id__in=standard_ids)
        .order_by("number")
        .values_list("number", "text_zh")
        .distinct()
    )


@login_required
@require_POST
def objection_resolve(request, pk):
    if not can_read_naming(request.user):
        raise PermissionDenied
    objection = Objection.objects.visible_to(request.user).select_related("batch").filter(pk=pk).first()
    if objection is None:
        raise Http404
    if not is_province_staff(request.user, objection.batch.province_id):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            objections.objection_resolve(user=request.user, objection=objection, **form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("The objection was resolved."))
            return redirect(reverse("naming:batch", kwargs={"pk": objection.batch_id}) + "#objections")
    context = _batch_context(request, objection.batch, resolve_form=form, resolve_pk=objection.pk)
    return render(request, "naming/batch.html", context, status=400)


@login_required
@require_GET
def objection_file(request, pk):
    """An objection's evidence file: staff of its province (and nationwide users)."""
    if not can_read_naming(request.user):
        raise PermissionDenied
    f = ObjectionFile.objects.visible_to(request.user).filter(pk=pk).first()
    if f is None:
        raise Http404
    return FileResponse(f.file.open("rb"), as_attachment=True, filename=f.original_name)


@login_required
@require_GET
def batch_pdf(request, pk, kind):
    batch = _batch(request.user, pk)
    return documents.pdf_response(batch, kind)
