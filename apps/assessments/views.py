"""The community committee's self-assessment pages (thin: reads through selectors, writes through
services). Every URL reads the assessment through the scoped queryset: another region's answers 404.
Reviewers in scope may look at the page (read-only) but never post to it."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.capabilities import is_committee
from apps.core import campaign
from apps.core.drafts import draft_endpoint
from apps.core.errors import ConflictError, ServiceError
from apps.notices.services import notices_read_for

from . import scores, selectors, services
from .forms import CriterionForm, SubmitForm
from .models import Assessment, Evidence, Response, Submission


def _max_mb() -> str:
    return f"{settings.EVIDENCE_MAX_BYTES / 1024 / 1024:g}"


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


def _criterion_page(request, pk, number) -> str:
    return reverse("assessments:detail", args=[pk]) + f"#c{number}"


def _assessment_page(request, pk, **kwargs) -> str:
    return reverse("assessments:detail", args=[pk])


def _figure_text(value) -> str:
    return "" if value is None else f"{value.normalize():f}"


def _initial(response: Response) -> dict:
    return {
        "rating": response.rating,
        "statement": response.statement,
        "figure": _figure_text(response.figure),
        "self_score": scores.score_text(response.self_score),
        "version": response.version,
    }


def _entry(assessment, response, *, form=None, errors=(), conflict=None, field_errors=None) -> dict:
    """What the template needs to show one criterion."""
    criterion = response.criterion
    return {
        "response": response,
        "criterion": criterion,
        "form": form or CriterionForm(initial=_initial(response), criterion=criterion),
        "errors": list(errors),
        "conflict": conflict,
        "evidence": response.live_evidence,
        "figure": _figure_text(response.figure),
        "field_errors": field_errors or {},
    }


def _categories(assessment, responses, overrides=None) -> list[dict]:
    overrides = overrides or {}
    categories: list[dict] = []
    for response in responses:
        category = response.criterion.category
        if not categories or categories[-1]["category"].pk != category.pk:
            categories.append({"category": category, "entries": []})
        entry = overrides.get(response.criterion.number) or _entry(assessment, response)
        categories[-1]["entries"].append(entry)
    return categories


def _share_loaded_regions(user, assessment) -> None:
    """The header shows a committee member's community with its regions (User.scope_label): they are
    the ones already loaded with the assessment, so hand them over instead of five more queries."""
    if user.community_id and user.community_id == assessment.community_id:
        community = assessment.community
        for field in ("province", "city", "county", "street"):
            setattr(community, field, getattr(assessment, field))
        user.community = community


def _page(request, assessment, responses, *, overrides=None, status=200):
    _share_loaded_regions(request.user, assessment)
    editable = assessment.is_editable and is_committee(request.user)
    rounds = list(
        Submission.objects.filter(assessment=assessment).order_by("round").values_list("round", flat=True)
    )
    context = {
        "assessment": assessment,
        "categories": _categories(assessment, responses, overrides),
        "editable": editable,
        "rounds": rounds,
        "due": campaign.due(campaign.community_deadline(assessment.year)),
        "total": len(responses),
        "has_comments": any(r.review_comment for r in responses),
        "submit_form": SubmitForm(initial={"version": assessment.version}),
        "max_mb": _max_mb(),
        # The same timeline the reviewers see: who did what, when and why.
        "events": selectors.history_timeline(assessment=assessment),
    }
    return render(request, "assessments/detail.html", context, status=status)


@login_required
@require_GET
def assessment_current(request):
    """The committee's assessment of the campaign year (the nav link), or home if not opened yet."""
    assessment = (
        Assessment.objects.visible_to(request.user)
        .filter(community_id=request.user.community_id, year=campaign.campaign_year())
        .only("pk")
        .first()
    )
    if assessment is None:
        return redirect("home")
    return redirect("assessments:detail", pk=assessment.pk)


@login_required
@require_POST
def assessment_open(request):
    """Open the campaign year's assessment (idempotent: a second click opens the same one)."""
    if not is_committee(request.user):
        return HttpResponseForbidden()
    try:
        assessment = services.assessment_create(
            community=request.user.community, year=campaign.campaign_year(), user=request.user
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("home")
    return redirect("assessments:detail", pk=assessment.pk)


@never_cache  # "Back" must never show an older copy whose versions would then conflict.
@login_required
@require_GET
def assessment_detail(request, pk):
    assessment, responses = selectors.assessment_detail(user=request.user, pk=pk)
    notices_read_for(user=request.user, assessment=assessment)
    return _page(request, assessment, responses)


def _text_changed(response: Response, data: dict) -> bool:
    if (data.get("rating") or "") != response.rating:
        return True
    if (data.get("statement") or "").strip() != response.statement:
        return True
    if "self_score" in data and (data["self_score"] or "").strip() != scores.score_text(response.self_score):
        return True
    figure = (data.get("figure") or "").strip().rstrip("%").strip()
    if not figure:
        return response.figure is not None
    try:
        return response.figure is None or Decimal(figure) != response.figure
    except InvalidOperation:
        return True


def _autosave(request, assessment, response, number):
    """A script's save while the user types: the text only (files go with the Save button), answered
    with JSON: the time it was saved and the new version, or the errors per field. Nothing is
    re-rendered, so the page keeps what is typed whatever the answer."""
    form = CriterionForm(request.POST, criterion=response.criterion)
    if not form.is_valid():
        return JsonResponse({"ok": False, "status": "invalid", "errors": form.errors}, status=400)
    data = form.cleaned_data
    saved = response
    if _text_changed(response, data):
        try:
            saved = services.response_save(
                response=response,
                user=request.user,
                rating=data["rating"],
                statement=data["statement"],
                figure=data.get("figure"),
                **({"self_score": data["self_score"]} if "self_score" in data else {}),
                expected_version=data["version"],
            )
        except ConflictError as exc:
            return JsonResponse({"ok": False, "status": "conflict", "message": exc.message}, status=409)
        except ServiceError as exc:
            field = getattr(exc, "field", "") or "__all__"
            return JsonResponse(
                {"ok": False, "status": "invalid", "errors": {field: [exc.message]}}, status=400
            )
    at = timezone.localtime(saved.updated_at).strftime("%H:%M") if saved.updated_at else ""
    return JsonResponse(
        {
            "ok": True,
            "status": "saved",
            "version": saved.version,
            "saved_at": at,
            "message": _("Saved %(time)s") % {"time": at},
            "answered": assessment.answered_count,
            "evidenced": assessment.evidenced_count,
            "self_total": scores.score_text(saved.assessment.self_total),
        }
    )


@never_cache
@draft_endpoint(_criterion_page)
def criterion_save(request, pk, number):
    """Save one criterion: first the text (optimistic lock on the criterion's version), then each new
    file. A refused file never undoes the saved text; a refused text never drops the chosen files:
    they are added all the same (evidence does not depend on the text), and the text stays in the
    form to be corrected. With `autosave=1` (the page's script while typing) only the text."""
    assessment, responses = selectors.assessment_detail(user=request.user, pk=pk)
    response = next((r for r in responses if r.criterion.number == number), None)
    if response is None:
        raise Http404
    if not is_committee(request.user):
        return HttpResponseForbidden()
    response.assessment = assessment
    if request.POST.get("autosave") == "1":
        return _autosave(request, assessment, response, number)
    criterion = response.criterion
    form = CriterionForm(request.POST, request.FILES, criterion=criterion)
    errors: list[str] = []
    field_errors: dict[str, str] = {}
    conflict = None
    saved_text = False
    added: list[str] = []
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
    else:
        data = form.cleaned_data
        if _text_changed(response, data):
            try:
                services.response_save(
                    response=response,
                    user=request.user,
                    rating=data["rating"],
                    statement=data["statement"],
                    figure=data.get("figure"),
                    **({"self_score": data["self_score"]} if "self_score" in data else {}),
                    expected_version=data["version"],
                )
                saved_text = True
            except ConflictError as exc:
                errors.append(exc.message)
                if exc.code == "stale_version":
                    conflict = Response.objects.select_related("updated_by").get(pk=response.pk)
            except ServiceError as exc:
                errors.append(exc.message)
                if exc.field:
                    field_errors[exc.field] = exc.message
    caption = (request.POST.get("caption") or "")[:200]
    for upload in request.FILES.getlist("files"):
        try:
            services.evidence_add(response=response, user=request.user, uploaded_file=upload, caption=caption)
            added.append(upload.name)
        except ServiceError as exc:
            errors.append(_("%(name)s was not added: %(why)s") % {"name": upload.name, "why": exc.message})
    if errors:
        # Show the page again with this criterion's form as typed; the rest as saved.
        assessment, responses = selectors.assessment_detail(user=request.user, pk=pk)
        response = next(r for r in responses if r.criterion.number == number)
        data = request.POST.copy()
        if conflict is not None or saved_text:
            # Saving again now is a deliberate choice to keep this text: base it on the current version.
            data["version"] = str(response.version)
        if added:
            errors.insert(
                0,
                _("Added: %(names)s. Correct the text below and save it; the files stay added.")
                % {"names": "、".join(added)},
            )
        if saved_text:
            errors.insert(0, _("The text of criterion %(n)s was saved.") % {"n": number})
        bound = CriterionForm(data, criterion=response.criterion)
        bound.is_valid()
        overrides = {
            number: _entry(
                assessment, response, form=bound, errors=errors, conflict=conflict, field_errors=field_errors
            )
        }
        status = 409 if conflict is not None else 400
        if _wants_json(request):
            return _json_entry(request, assessment, overrides[number], ok=False, status=status)
        return _page(request, assessment, responses, overrides=overrides, status=status)
    message = _("Criterion %(n)s saved.") % {"n": number}
    if _wants_json(request):
        assessment, responses = selectors.assessment_detail(user=request.user, pk=pk)
        response = next(r for r in responses if r.criterion.number == number)
        return _json_entry(request, assessment, _entry(assessment, response), ok=True, message=message)
    messages.success(request, message)
    return redirect(reverse("assessments:detail", args=[pk]) + f"#c{number}")


def _json_entry(request, assessment, entry, *, ok, status=200, message=""):
    html = render_to_string(
        "assessments/_criterion.html",
        {"assessment": assessment, "entry": entry, "editable": True, "max_mb": _max_mb()},
        request=request,
    )
    return JsonResponse(
        {
            "ok": ok,
            "message": message,
            "html": html,
            "answered": assessment.answered_count,
            "evidenced": assessment.evidenced_count,
            "self_total": scores.score_text(assessment.self_total),
        },
        status=status,
    )


@draft_endpoint(_assessment_page)
def evidence_remove(request, pk, evidence_pk):
    assessment, _responses = selectors.assessment_detail(user=request.user, pk=pk)
    try:
        evidence = (
            Evidence.objects.visible_to(request.user)
            .select_related("response__criterion")
            .get(pk=evidence_pk, response__assessment=assessment, withdrawn_round__isnull=True)
        )
    except Evidence.DoesNotExist:
        raise Http404 from None
    if not is_committee(request.user):
        return HttpResponseForbidden()
    number = evidence.response.criterion.number
    evidence.response.assessment = assessment
    try:
        services.evidence_remove(evidence=evidence, user=request.user)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("%(name)s was removed from criterion %(n)s.") % {"name": evidence, "n": number}
        )
    return redirect(reverse("assessments:detail", args=[pk]) + f"#c{number}")


@login_required
@require_GET
def submission_detail(request, pk, round):
    """An earlier submitted version, from its frozen snapshot."""
    assessment = selectors.access_assessment(user=request.user, pk=pk)
    try:
        submission = Submission.objects.select_related("submitted_by").get(assessment=assessment, round=round)
    except Submission.DoesNotExist:
        raise Http404 from None
    criteria = {
        c.number: c for c in assessment.standard.criteria.select_related("category").order_by("number")
    }
    returns = list(
        assessment.events.filter(action="returned").order_by("at", "id").values_list("reason", "data")
    )
    returned = returns[round - 1] if len(returns) >= round else None
    comments = (returned[1] or {}).get("comments", {}) if returned else {}
    rows = [
        {
            "criterion": criteria.get(item["criterion"]),
            "item": item,
            "comment": comments.get(str(item["criterion"]), "") or item.get("review_comment", ""),
        }
        for item in submission.snapshot.get("responses", [])
    ]
    context = {
        "assessment": assessment,
        "submission": submission,
        "rows": rows,
        "return_reason": returned[0] if returned else "",
    }
    return render(request, "assessments/submission.html", context)
