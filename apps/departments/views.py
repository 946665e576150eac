"""Pages of the other departments: their home (what they are asked), the consultation on a batch
(the department answers, the province resolves), the assessments of their area with the criteria
their type checks (evidence, verdicts, opinions), the criteria mapping and the department accounts
(the housing department of the same level). Reads through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.capabilities import is_other_department, is_province_staff
from apps.core.errors import ForbiddenError, NotFoundError, ServiceError
from apps.core.views import attempt
from apps.naming.models import Batch, BatchEntry
from apps.naming.procedure import EntryState

from . import consulting, selectors
from .forms import AnswerForm, ConsultForm, ResolveForm, consult_draft_key


def _refused(exc: ServiceError):
    if isinstance(exc, NotFoundError):
        raise Http404
    if isinstance(exc, ForbiddenError):
        raise PermissionDenied(exc.message)


@login_required
@require_GET
def home(request):
    user = request.user
    if not (is_other_department(user) or is_province_staff(user)):
        raise PermissionDenied
    context = {"consultations": selectors.consultations_visible(user)[:50]}
    if is_other_department(user):
        context["assessments"] = selectors.owned_assessments(user)[:50]
        context["department"] = getattr(user, "department_profile", None)
    return render(request, "departments/home.html", context)


@login_required
@require_POST
def consult(request, pk):
    batch = get_object_or_404(Batch.objects.visible_to(request.user), pk=pk)
    if not is_province_staff(request.user, batch.province_id):
        raise PermissionDenied
    form = ConsultForm(request.POST, types=selectors.department_types(batch.province_id))
    if form.is_valid():
        sent = attempt(
            request,
            lambda: consulting.consultation_send(
                user=request.user,
                batch=batch,
                department_type_ids=form.cleaned_data["department_types"],
                deadline=form.cleaned_data["deadline"],
            ),
            success=_("The departments were asked for their opinion."),
            as_http=True,
        )
        if sent:
            return redirect("naming:batch", pk=batch.pk)
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    # The form lives on the batch page: what was typed waits there for the next rendering (once).
    request.session[consult_draft_key(batch.pk)] = {
        "department_types": request.POST.getlist("department_types")[:50],
        "deadline": request.POST.get("deadline", "")[:20],
    }
    return redirect("naming:batch", pk=batch.pk)


def _consultation_page(request, consultation, *, answer_form=None, resolve=None, status=200):
    consulting.consultations_lapse(batch_id=consultation.batch_id)
    consultation.refresh_from_db()
    batch = consultation.batch
    entries = list(
        BatchEntry.objects.filter(batch=batch)
        .exclude(state=EntryState.LEFT)
        .select_related("assessment__community__county", "assessment__community__street")
    )
    for e in entries:  # what was typed per community survives a refusal
        e.typed = request.POST.get(f"entry-{e.pk}", "") if answer_form is not None else ""
    return render(
        request,
        "departments/consultation.html",
        {
            "c": consultation,
            "batch": batch,
            "entries": entries,
            "answer_label": selectors.answer_label(consultation),
            "objections": consultation.objections.all(),
            "may_answer": consulting.may_answer(request.user, consultation)
            and consultation.answer in ("", "lapsed"),
            "staff": is_province_staff(request.user, batch.province_id),
            "answer_form": answer_form or AnswerForm(),
            "resolve": resolve or (None, None),
        },
        status=status,
    )


@login_required
@require_GET
def consultation_detail(request, pk):
    try:
        consultation = selectors.access_consultation(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    return _consultation_page(request, consultation)


@login_required
@require_POST
def consultation_answer(request, pk):
    try:
        consultation = selectors.access_consultation(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    if not consulting.may_answer(request.user, consultation):
        raise PermissionDenied
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _consultation_page(request, consultation, answer_form=form, status=400)
    per_entry = {
        key.removeprefix("entry-"): value for key, value in request.POST.items() if key.startswith("entry-")
    }
    try:
        consulting.consultation_answer(
            user=request.user,
            consultation=consultation,
            answer=form.cleaned_data["answer"],
            text=form.cleaned_data["text"],
            objections={k: v for k, v in per_entry.items() if k.isdigit()},
        )
    except ServiceError as exc:
        _refused(exc)
        form.add_error(None, exc.message)
        return _consultation_page(request, consultation, answer_form=form, status=exc.status)
    messages.success(request, _("Your answer was recorded."))
    return redirect("departments:consultation", pk=consultation.pk)


@login_required
@require_POST
def objection_resolve(request, pk):
    try:
        objection = selectors.access_objection(user=request.user, pk=pk)
    except NotFoundError:
        raise Http404 from None
    if not is_province_staff(request.user, objection.consultation.batch.province_id):
        raise PermissionDenied
    form = ResolveForm(request.POST)
    if form.is_valid():
        try:
            consulting.objection_resolve(
                user=request.user,
                objection=objection,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
            )
        except ServiceError as exc:
            _refused(exc)
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The objection was resolved."))
            return redirect("departments:consultation", pk=objection.consultation_id)
    return _consultation_page(request, objection.consultation, resolve=(objection.pk, form), status=400)


def _assessment(request, pk):
    if not is_other_department(request.user):
        raise PermissionDenied
    assessment = get_object_or_404(selectors.owned_assessments(request.user), pk=pk)
    return assessment


def _assessment_page(request, assessment, *, error=None, error_number=None, status=200):
    responses = selectors.owned_responses(user=request.user, assessment=assessment)
    opinions = selectors.opinions_by_criterion(assessment, request.user)
    for r in responses:
        r.opinions = opinions.get(r.criterion_id, [])
    return render(
        request,
        "departments/assessment.html",
        {
            "assessment": assessment,
            "responses": responses,
            "error": error,
            "error_number": error_number,
            "typed": request.POST.get("text", ""),
        },
        status=status,
    )


@login_required
@require_GET
def assessment_detail(request, pk):
    return _assessment_page(request, _assessment(request, pk))


@login_required
@require_POST
def opinion_add(request, pk, number):
    from apps.standards.models import Criterion

    from . import services

    assessment = _assessment(request, pk)
    criterion = Criterion.objects.filter(standard_id=assessment.standard_id, number=number).first()
    if criterion is None:
        raise Http404
    try:
        services.criterion_opinion_add(
            user=request.user, assessment=assessment, criterion=criterion, text=request.POST.get("text", "")
        )
    except ServiceError as exc:
        _refused(exc)
        return _assessment_page(
            request, assessment, error=exc.message, error_number=number, status=exc.status
        )
    messages.success(request, _("Your opinion was recorded: the reviewers see it beside the criterion."))
    return redirect(f"/departments/assessments/{assessment.pk}/#c{number}")


@login_required
def criteria(request):
    """The province's local standards: per criterion, the department type that checks it."""
    from apps.standards.models import StandardVersion

    from . import services
    from .models import DepartmentType

    user = request.user
    if not is_province_staff(user):
        raise PermissionDenied
    standards = list(
        StandardVersion.objects.visible_to(user)
        .filter(province_id=user.region_id)
        .order_by("-year", "-version")
    )
    chosen = request.POST.get("standard") or request.GET.get("standard")
    standard = next((s for s in standards if str(s.pk) == str(chosen)), standards[0] if standards else None)
    if chosen and standard is not None and str(standard.pk) != str(chosen):
        raise Http404
    error = None
    if request.method == "POST" and standard is not None:
        owners = {
            key.removeprefix("owner-"): value
            for key, value in request.POST.items()
            if key.startswith("owner-")
        }
        try:
            services.owned_criteria_set(actor=user, standard=standard, owners=owners)
        except ServiceError as exc:
            _refused(exc)
            error = exc.message
        else:
            messages.success(request, _("The departments that check each criterion were saved."))
            return redirect(f"/departments/criteria/?standard={standard.pk}")
    owned = selectors.owned_criteria(standard) if standard else {}
    rows = list(standard.criteria.order_by("number")) if standard else []
    for c in rows:
        c.owner_id = owned.get(c.pk)
    return render(
        request,
        "departments/criteria.html",
        {
            "standards": standards,
            "standard": standard,
            "rows": rows,
            "types": selectors.department_types(user.region_id),
            "own_types": DepartmentType.objects.filter(province_id=user.region_id),
            "error": error,
        },
        status=400 if error else 200,
    )


@login_required
@require_POST
def report_departments(request, pk):
    """The province lists the departments that take part in its annual evaluation."""
    from apps.reports.models import AnnualReport

    from . import services

    report = get_object_or_404(AnnualReport.objects.visible_to(request.user), pk=pk)
    attempt(
        request,
        lambda: services.report_departments_set(
            actor=request.user,
            report=report,
            department_type_ids=[v for v in request.POST.getlist("department_types") if v.isdigit()],
        ),
        success=_("The departments taking part were saved and asked to confirm."),
        as_http=True,
    )
    return redirect("reports:detail", pk=report.pk)


@login_required
@require_POST
def report_confirm(request, pk):
    """A department confirms (or comments on) the report it takes part in."""
    from . import services
    from .models import ReportSignature

    signature = get_object_or_404(ReportSignature.objects.visible_to(request.user), pk=pk)
    attempt(
        request,
        lambda: services.report_confirm(
            user=request.user, signature=signature, comment=request.POST.get("comment", "")
        ),
        success=_("Your confirmation was recorded."),
        as_http=True,
    )
    return redirect("reports:detail", pk=signature.report_id)


@login_required
def account_new(request):
    """The housing department creates a department account of its own level (the ministry: national
    ones), with a one-time password shown once; it is then managed with the other accounts."""
    from apps.accounts.managing import DEPARTMENT_RANK_BY_LEVEL, managed_ranks

    from . import services
    from .forms import AccountForm

    user = request.user
    region = user.region if user.region_id else None
    province_id = region.province_id if region else None
    if DEPARTMENT_RANK_BY_LEVEL.get(region.level if region else None) not in managed_ranks(user):
        raise PermissionDenied
    types = list(selectors.department_types(province_id))
    form = AccountForm(request.POST or None, types=types)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            account, code = services.department_account_create(
                actor=user,
                username=form.cleaned_data["username"],
                display_name=form.cleaned_data["display_name"],
                department_type=next(t for t in types if t.pk == form.cleaned_data["department_type"]),
                region=region,
            )
        except ServiceError as exc:
            _refused(exc)
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            created = {"account": account, "code": code}
            form = AccountForm(types=types)
    return render(
        request,
        "departments/account_new.html",
        {"form": form, "created": created, "region": region},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def type_add(request):
    """The province adds a department type of its own (水务, 大数据局 …) to the list."""
    from . import services

    if not is_province_staff(request.user):
        raise PermissionDenied
    attempt(
        request,
        lambda: services.department_type_add(
            actor=request.user, province_id=request.user.region_id, name=request.POST.get("name", "")
        ),
        success=_("The department was added to the list."),
        as_http=True,
    )
    return redirect("departments:criteria")


@login_required
@require_POST
def type_remove(request, pk):
    """The province takes one of its own types off the list: accounts and history keep it."""
    from . import services
    from .models import DepartmentType

    kind = get_object_or_404(DepartmentType, pk=pk, province_id=request.user.region_id or "-")
    attempt(
        request,
        lambda: services.department_type_remove(actor=request.user, department_type=kind),
        success=_("The department was taken off the list; its history stays."),
        as_http=True,
    )
    return redirect("departments:criteria")
