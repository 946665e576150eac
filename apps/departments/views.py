"""Pages of the other departments: their home (what they are asked), the consultation on a batch
(the department answers, the province resolves), the assessments of their area with the criteria
their type checks (evidence, verdicts, opinions), the criteria mapping and the department accounts
(the housing department of the same level). Reads through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.capabilities import is_other_department, is_province_staff
from apps.core.errors import ForbiddenError, NotFoundError, ServiceError
from apps.naming.models import Batch, BatchEntry
from apps.naming.procedure import EntryState

from . import consulting, selectors
from .forms import AnswerForm, ConsultForm, ResolveForm


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
    batch = Batch.objects.visible_to(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    if not is_province_staff(request.user, batch.province_id):
        raise PermissionDenied
    form = ConsultForm(request.POST, types=selectors.department_types(batch.province_id))
    if form.is_valid():
        try:
            consulting.consultation_send(
                user=request.user,
                batch=batch,
                department_type_ids=form.cleaned_data["department_types"],
                deadline=form.cleaned_data["deadline"],
            )
        except ServiceError as exc:
            _refused(exc)
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The departments were asked for their opinion."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
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
            "objections": consultation.objections.select_related("entry__assessment__community"),
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
