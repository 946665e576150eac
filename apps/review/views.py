"""The review page: an assessment with its criteria, the reviewers' verdicts, comments and scores
(one criterion, or the whole review form's draft), and the decisions on the whole assessment.

Thin: reads come from selectors, every write is a service, who may do what comes from the workflow
(apps.review.workflow) and the named capabilities. A ServiceError becomes a form error on the page
(with its status: 409 when someone else acted first), and nothing changes. The queues, the submit
page and the chain page have their own modules (queue_views, submit_views, chain_views).
"""

from dataclasses import dataclass, field

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from apps.accounts.capabilities import can_watch_reviews
from apps.assessments.models import Response, Verdict
from apps.assessments.scores import score_text, standing
from apps.assessments.selectors import access_assessment, assessment_detail
from apps.core.drafts import Typed, add_refusal, draft_endpoint, draft_refused, draft_saved, wants_json
from apps.core.errors import ServiceError
from apps.notices.services import notices_read_for

from . import hooks, selectors, services, verdict_services, workflow
from .decorators import reviewer_required
from .forms import DECISION_FORMS, VerdictForm


@dataclass
class _Kept:
    """What the reviewer typed, shown again with the page after a refusal: the review form as posted
    with its refusals by field (`c<n>-<field>`; one criterion's form, or all of them), the decision
    whose form was posted (action, bound form), the messages above the decisions, and the summary
    to confirm (nothing was decided yet)."""

    typed: Typed = field(default_factory=Typed)
    decision: tuple[str, forms.Form] | None = None
    errors: list[str] = field(default_factory=list)
    confirming: dict | None = None


def _decision_forms(assessment, actions, kept: _Kept, score) -> dict[str, forms.Form]:
    """The form of each decision open to the user: the one posted as typed (when that decision is
    still open in the current state), the others fresh on the current version. Approving asks for a
    reason only below the pass mark (the service asks again if the totals changed meanwhile, and the
    box then comes back)."""
    decision_forms = {}
    for action in actions:
        if kept.decision is not None and kept.decision[0] == action:
            decision_forms[action] = kept.decision[1]
        else:
            decision_forms[action] = DECISION_FORMS[action](
                initial=DECISION_FORMS[action].initial_for(assessment)
            )
    if "approve" in decision_forms:
        decision_forms["approve"].ask_reason(bool(score and score.below))
    return decision_forms


def _verdict_initial(response) -> dict:
    return {
        "verdict": response.verdict or None,
        "comment": response.review_comment,
        "score": score_text(
            response.self_score if response.confirmed_score is None else response.confirmed_score
        ),
    }


def _criteria_as_shown(responses, *, kept: _Kept, can_review: bool, before: dict) -> None:
    """Each response as the page shows it: its verdict form (as typed, or as saved) where the user
    reviews, whether its figure reaches the threshold, and the last round's verdict."""
    for r in responses:
        if can_review:
            r.verdict_form = kept.typed.form(
                VerdictForm, initial=_verdict_initial(r), prefix=f"c{r.criterion.number}"
            )
        r.figure_ok = r.criterion.figure_reaches_threshold(r.figure)
        r.previous = before.get(r.criterion.number)


def _decisions(assessment, decision_forms, kept: _Kept, *, next_level_name: str):
    """The decisions with their words (apps.review.workflow.decision) and forms; the summary to
    confirm gets the words of its decision. Answers (decisions, proposes): where the province has a
    naming procedure for the year, approving proposes (拟认定)."""
    proposes = (
        "approve" in decision_forms
        and hooks.final_decision(province_id=assessment.province_id, year=assessment.year).proposes
    )
    words = {
        "next_level_name": next_level_name,
        "proposes": proposes,
        "designated": getattr(assessment, "demonstration", None) is not None,
    }
    if kept.confirming is not None:
        kept.confirming["decision"] = workflow.decision(kept.confirming["action"], **words)
    return [(workflow.decision(action, **words), form) for action, form in decision_forms.items()], proposes


def _render_review(request, pk, *, status=200, kept: _Kept | None = None):
    """The review page in the assessment's current state, with what the reviewer typed (`kept`):
    nothing typed is lost on a refusal."""
    kept = kept or _Kept()
    user = request.user
    assessment, responses = assessment_detail(user=user, pk=pk)
    chain = workflow.chain_of(assessment)
    score = standing(assessment)
    decision_forms = _decision_forms(assessment, workflow.available_actions(user, assessment), kept, score)
    can_review = workflow.can_review(user, assessment)
    before = selectors.previous_round(assessment=assessment, responses=responses)
    _criteria_as_shown(responses, kept=kept, can_review=can_review, before=before)
    next_level_name = workflow.next_level_name(assessment)
    decisions, proposes = _decisions(assessment, decision_forms, kept, next_level_name=next_level_name)
    return render(
        request,
        "review/detail.html",
        {
            "assessment": assessment,
            "status_label": workflow.status_label(assessment),
            "chain_names": [workflow.level_name(k, chain) for k in chain],
            "next_level_name": next_level_name,
            "responses": responses,
            "figures": [r for r in responses if r.criterion.kind == "percent"],
            "events": selectors.history_timeline(assessment=assessment),
            "decision_forms": decision_forms,
            "decisions": decisions,
            "decision_errors": kept.errors,
            "no_decision": "" if decision_forms else workflow.no_decision_text(assessment),
            "can_review": can_review,
            "not_confirmed": [r for r in responses if r.verdict == Verdict.NOT_CONFIRMED],
            "demonstration": getattr(assessment, "demonstration", None),
            "standing": score,
            "confirming": kept.confirming,
            "changed_count": sum(1 for v in before.values() if v["changed"]),
            "proposes": proposes,
        },
        status=status,
    )


@never_cache
@reviewer_required
def review_detail(request, pk):
    response = _render_review(request, pk)
    if response.status_code == 200:
        notices_read_for(user=request.user, assessment=pk)  # pk: the page just proved access
    return response


@draft_endpoint(lambda request, pk, number: reverse("review:detail", args=[pk]) + f"#c{number}")
@reviewer_required
def review_criterion(request, pk, number):
    """A verdict and comment on one criterion (response_review)."""
    user = request.user
    assessment = access_assessment(user=user, pk=pk)
    try:
        response = assessment.responses.select_related("criterion", "assessment").get(
            criterion__number=number
        )
    except Response.DoesNotExist:
        raise Http404 from None
    form = VerdictForm(request.POST, prefix=f"c{number}")
    kept = _Kept(typed=Typed(data=request.POST))
    if not form.is_valid():
        return _render_review(request, pk, status=400, kept=kept)
    try:
        verdict_services.response_review(
            response=response,
            user=user,
            verdict=form.cleaned_data["verdict"],
            comment=form.cleaned_data["comment"],
            **({"score": form.cleaned_data["score"]} if response.criterion.points is not None else {}),
        )
    except ServiceError as exc:
        if exc.status == 409:
            messages.error(request, exc.message)
            return redirect(reverse("review:detail", args=[pk]) + f"#c{number}")
        kept.typed.field_errors = {f"c{number}-{exc.field}": [exc.message]}
        return _render_review(request, pk, status=exc.status, kept=kept)
    messages.success(request, _("Criterion %(n)s: verdict saved.") % {"n": number})
    return redirect(reverse("review:detail", args=[pk]) + f"#c{number}")


def _decide(*, action: str, assessment, user, data: dict, responses_comments: dict):
    version = data["expected_version"]
    """Take the decision; answers (message, repeated): `repeated` when the request only repeated the
    user's own decision (double click, back button), which was not taken twice."""
    if action == "recommend":
        done = services.assessment_recommend(assessment=assessment, user=user, expected_version=version)
        message = _("Recommended to the next level.")
    elif action == "return":
        done = services.assessment_return(
            assessment=assessment,
            user=user,
            reason=data["reason"],
            comments=responses_comments,
            expected_version=version,
        )
        message = _("Returned to the community for revision.")
    elif action == "approve":
        done = services.assessment_approve(
            assessment=assessment, user=user, reason=data.get("reason", ""), expected_version=version
        )
        message = _("Approved: the community meets the requirements.")
    elif action == "revoke":
        done = services.assessment_revoke(
            assessment=assessment, user=user, reason=data["reason"], expected_version=version
        )
        message = _("The approval was revoked.")
    else:
        services.demonstration_designate(
            assessment=assessment, user=user, citation=data["citation"], expected_version=version
        )
        return _("Designated a demonstration community."), False
    return message, getattr(done, "decision_repeated", False)


def _posted_verdicts(request, responses) -> dict[int, dict]:
    """The review form's fields, regular per criterion: `c<n>-verdict`, `c<n>-comment` and, under a
    scored standard, `c<n>-score`."""
    items = {}
    for r in responses:
        number = r.criterion.number
        keys = (f"c{number}-verdict", f"c{number}-comment")
        if any(k in request.POST for k in keys):
            items[number] = {
                "verdict": request.POST.get(keys[0], ""),
                "comment": request.POST.get(keys[1], ""),
            }
            if r.criterion.points is not None and f"c{number}-score" in request.POST:
                items[number]["score"] = request.POST[f"c{number}-score"]
    return items


def _review_page(request, pk, **kwargs) -> str:
    return reverse("review:detail", args=[pk])


@never_cache
@draft_endpoint(_review_page)
def review_verdicts(request, pk):
    """The review form's draft (every criterion's verdict and comment at once): the page's script
    saves here while the reviewer types (JSON: the time, or the errors per field); without the script
    the form's own button posts here and comes back to the page."""
    user = request.user
    if not can_watch_reviews(user):
        raise PermissionDenied
    assessment, responses = assessment_detail(user=user, pk=pk)
    items = _posted_verdicts(request, responses)
    kept = _Kept(typed=Typed(data=request.POST))
    try:
        errors = verdict_services.verdicts_save(assessment=assessment, user=user, items=items)
    except ServiceError as exc:
        if wants_json(request):
            return draft_refused(message=exc.message, status=exc.status)
        if exc.status == 409:
            messages.error(request, exc.message)
            return redirect("review:detail", pk=pk)
        kept.errors = [exc.message]
        return _render_review(request, pk, status=exc.status, kept=kept)
    if wants_json(request):
        return draft_refused(errors=errors) if errors else draft_saved(at=timezone.now())
    if errors:
        kept.typed.field_errors = errors
        kept.errors = [_("Some verdicts were not saved: see the criteria marked.")]
        return _render_review(request, pk, status=400, kept=kept)
    messages.success(request, _("The verdicts and comments were saved."))
    return redirect("review:detail", pk=pk)


def _summary(action, responses, form) -> dict:
    confirmed = [r.criterion.number for r in responses if r.verdict == Verdict.CONFIRMED]
    not_confirmed = [r for r in responses if r.verdict == Verdict.NOT_CONFIRMED]
    return {
        "action": action,
        "confirmed": len(confirmed),
        "not_confirmed": len(not_confirmed),
        "not_confirmed_rows": not_confirmed,
        "reason": form.cleaned_data.get("reason", ""),
    }


@never_cache
@reviewer_required
def review_decide(request, pk, action):
    """One decision on the whole assessment: recommend, return, approve, revoke or designate.

    Recommend, return and approve come from the review form: the verdicts and comments posted with
    them are saved first; they are refused while a criterion has no verdict (naming which); and, like
    every decision, they need the confirm step (`confirm=1`, after the page showed the summary)."""
    if action not in DECISION_FORMS:
        raise Http404
    if request.method != "POST":
        return redirect("review:detail", pk=pk)
    user = request.user
    assessment, responses = assessment_detail(user=user, pk=pk)
    form = DECISION_FORMS[action](request.POST)
    kept = _Kept(decision=(action, form))
    if action in workflow.REVIEW_FORM_ACTIONS and workflow.can_review(user, assessment):
        refused, assessment, responses = _verdicts_first(request, assessment, responses, kept)
        if refused:
            return _render_review(request, pk, status=refused, kept=kept)
    if not form.is_valid():
        return _render_review(request, pk, status=400, kept=kept)
    if request.POST.get("confirm") != "1":
        # Nothing decided yet: the page shows what will happen and who will be told.
        kept.confirming = _summary(action, responses, form)
        return _render_review(request, pk, kept=kept)
    # Comments on criteria the reviewers did not confirm go to the community with the return.
    comments = {
        r.criterion.number: r.review_comment
        for r in responses
        if r.verdict == Verdict.NOT_CONFIRMED and r.review_comment
    }
    try:
        done, repeated = _decide(
            action=action,
            assessment=assessment,
            user=user,
            data=form.cleaned_data,
            responses_comments=comments,
        )
    except ServiceError as exc:
        add_refusal(form, exc)
        kept.errors = [exc.message]
        return _render_review(request, pk, status=exc.status, kept=kept)
    if repeated:
        # The same decision posted again (double click, back button): the outcome of the first.
        messages.info(request, _("This decision was already submitted: %(done)s") % {"done": done})
    else:
        messages.success(request, done)
    return redirect("review:detail", pk=pk)


def _verdicts_first(request, assessment, responses, kept: _Kept):
    """Recommend, return and approve take the verdicts typed above them in the review form: those are
    saved first, and every criterion needs a verdict. Answers (refused, assessment, responses): on a
    refusal the page's status, with what was typed and why in `kept`; otherwise None, with the
    assessment and its responses as saved now."""
    items = _posted_verdicts(request, responses)
    if items:
        kept.typed = Typed(data=request.POST)
        try:
            errors = verdict_services.verdicts_save(assessment=assessment, user=request.user, items=items)
        except ServiceError as exc:
            kept.errors = [exc.message]
            return exc.status, assessment, responses
        if errors:
            kept.typed.field_errors = errors
            kept.errors = [_("Some verdicts were not saved: see the criteria marked.")]
            return 400, assessment, responses
        assessment, responses = assessment_detail(user=request.user, pk=assessment.pk)
    missing = [r.criterion.number for r in responses if not r.verdict]
    if missing:
        kept.decision[1].is_valid()
        kept.errors = [
            _("Every criterion needs a verdict first. Without a verdict: criteria %(list)s.")
            % {"list": "、".join(str(n) for n in missing)}
        ]
        return 400, assessment, responses
    return None, assessment, responses
