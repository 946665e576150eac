"""The community committee's self-assessment pages (thin: reads through selectors, writes through
services). Every URL reads the assessment through the scoped queryset: another region's answers 404.
Reviewers in scope may look at the page (read-only) but never post to it."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.capabilities import is_committee
from apps.core import campaign
from apps.core.drafts import Typed, draft_endpoint, draft_refused, draft_saved, wants_json
from apps.core.errors import ConflictError, ServiceError
from apps.notices.services import notices_read_for

from . import scores, selectors, services
from .forms import CriterionForm, SubmitForm
from .models import Assessment, Evidence, Response, Submission


def _max_mb() -> str:
    return f"{settings.EVIDENCE_MAX_BYTES / 1024 / 1024:g}"


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


@dataclass
class _Refused:
    """One criterion's save with the Save button, refused in part or whole: the refusals (form,
    service, files), by field where the service named one, the version someone else saved meanwhile
    (`conflict`), and what went through all the same (the text, the files added)."""

    errors: list[str] = field(default_factory=list)
    field_errors: dict[str, str] = field(default_factory=dict)
    conflict: Response | None = None
    saved_text: bool = False
    added: list[str] = field(default_factory=list)
    number: int = 0

    def messages(self) -> list[str]:
        """What the criterion's box says, what went through first."""
        done = []
        if self.saved_text:
            done.append(_("The text of criterion %(n)s was saved.") % {"n": self.number})
        if self.added and self.errors:
            done.append(
                _("Added: %(names)s. Correct the text below and save it; the files stay added.")
                % {"names": "、".join(self.added)}
            )
        return done + self.errors


def _entry(assessment, response, *, typed: Typed | None = None, refused: _Refused | None = None) -> dict:
    """What the template needs to show one criterion: its form as typed (`typed`) or as saved, and
    why the last save was refused in part (`refused`)."""
    criterion = response.criterion
    refused = refused or _Refused()
    return {
        "response": response,
        "criterion": criterion,
        "form": (typed or Typed()).form(CriterionForm, initial=_initial(response), criterion=criterion),
        "errors": refused.messages(),
        "conflict": refused.conflict,
        "evidence": response.live_evidence,
        "figure": _figure_text(response.figure),
        "field_errors": refused.field_errors,
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


def _text_save(request, response: Response, data: dict) -> Response:
    """The criterion's text through response_save, on the version the form was loaded with."""
    return services.response_save(
        response=response,
        user=request.user,
        rating=data["rating"],
        statement=data["statement"],
        figure=data.get("figure"),
        **({"self_score": data["self_score"]} if "self_score" in data else {}),
        expected_version=data["version"],
    )


def _autosave(request, assessment, response):
    """A script's save while the user types: the text only (files go with the Save button), answered
    with JSON: the time it was saved and the new version, or the errors per field. Nothing is
    re-rendered, so the page keeps what is typed whatever the answer."""
    form = CriterionForm(request.POST, criterion=response.criterion)
    if not form.is_valid():
        return draft_refused(errors=form.errors)
    saved = response
    if _text_changed(response, form.cleaned_data):
        try:
            saved = _text_save(request, response, form.cleaned_data)
        except ConflictError as exc:
            return draft_refused(message=exc.message, status=409)
        except ServiceError as exc:
            return draft_refused(errors={exc.field or "__all__": [exc.message]})
    return draft_saved(
        at=saved.updated_at,
        version=saved.version,
        answered=assessment.answered_count,
        evidenced=assessment.evidenced_count,
        self_total=scores.score_text(saved.assessment.self_total),
    )


def _criterion_of(request, pk, number):
    """The assessment, its responses and the one to criterion `number`, through the caller's scope
    (404)."""
    assessment, responses = selectors.assessment_detail(user=request.user, pk=pk)
    response = next((r for r in responses if r.criterion.number == number), None)
    if response is None:
        raise Http404
    response.assessment = assessment
    return assessment, responses, response


@never_cache
@draft_endpoint(_criterion_page)
def criterion_save(request, pk, number):
    """Save one criterion: first the text (optimistic lock on the criterion's version), then each new
    file. A refused file never undoes the saved text; a refused text never drops the chosen files:
    they are added all the same (evidence does not depend on the text), and the text stays in the
    form to be corrected. With `autosave=1` (the page's script while typing) only the text."""
    assessment, _responses, response = _criterion_of(request, pk, number)
    if not is_committee(request.user):
        return HttpResponseForbidden()
    if request.POST.get("autosave") == "1":
        return _autosave(request, assessment, response)
    refused = _Refused(number=number)
    form = CriterionForm(request.POST, request.FILES, criterion=response.criterion)
    if not form.is_valid():
        refused.errors = [e for errors in form.errors.values() for e in errors]
    elif _text_changed(response, form.cleaned_data):
        _text_save_refused(request, response, form.cleaned_data, refused)
    _files_add(request, response, refused)
    if refused.errors:
        return _criterion_again(request, pk, number, refused)
    message = _("Criterion %(n)s saved.") % {"n": number}
    if wants_json(request):
        assessment, _responses, response = _criterion_of(request, pk, number)
        return _json_entry(request, assessment, _entry(assessment, response), ok=True, message=message)
    messages.success(request, message)
    return redirect(reverse("assessments:detail", args=[pk]) + f"#c{number}")


def _text_save_refused(request, response, data: dict, refused: _Refused) -> None:
    """Save the text; a refusal goes into `refused` (with what is saved now, on a stale version)."""
    try:
        _text_save(request, response, data)
    except ConflictError as exc:
        refused.errors.append(exc.message)
        if exc.code == "stale_version":
            refused.conflict = Response.objects.select_related("updated_by").get(pk=response.pk)
    except ServiceError as exc:
        refused.errors.append(exc.message)
        if exc.field:
            refused.field_errors[exc.field] = exc.message
    else:
        refused.saved_text = True


def _files_add(request, response, refused: _Refused) -> None:
    """Add each chosen file as evidence (evidence_add); a refused one is named in `refused`."""
    caption = (request.POST.get("caption") or "")[:200]
    for upload in request.FILES.getlist("files"):
        try:
            services.evidence_add(response=response, user=request.user, uploaded_file=upload, caption=caption)
            refused.added.append(upload.name)
        except ServiceError as exc:
            refused.errors.append(
                _("%(name)s was not added: %(why)s") % {"name": upload.name, "why": exc.message}
            )


def _criterion_again(request, pk, number, refused: _Refused):
    """The page again with this criterion's form as typed (the rest as saved), saying what was
    refused and what went through."""
    assessment, responses, response = _criterion_of(request, pk, number)
    data = request.POST.copy()
    if refused.conflict is not None or refused.saved_text:
        # Saving again now is a deliberate choice to keep this text: base it on the current version.
        data["version"] = str(response.version)
    entry = _entry(assessment, response, typed=Typed(data=data), refused=refused)
    status = 409 if refused.conflict is not None else 400
    if wants_json(request):
        return _json_entry(request, assessment, entry, ok=False, status=status)
    return _page(request, assessment, responses, overrides={number: entry}, status=status)


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
