"""The review pages: queues per level, the review page with its decisions, bulk approval, the
community's submit page, and the province's review-chain page.

Thin: reads come from selectors, every write is a service, who may do what comes from the workflow
(apps.review.workflow) and the named capabilities. A ServiceError becomes a form error on the page
(with its status: 409 when someone else acted first), and nothing changes.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from apps.accounts.capabilities import (
    can_configure_province,
    can_watch_reviews,
    is_committee,
    is_province_staff,
)
from apps.assessments import services as assessment_services
from apps.assessments.forms import SubmitForm
from apps.assessments.models import Response, State, Verdict
from apps.assessments.scores import score_text, standing
from apps.assessments.selectors import access_assessment, assessment_detail
from apps.core.campaign import FIRST_YEAR, campaign_year
from apps.core.drafts import draft_endpoint
from apps.core.errors import ServiceError
from apps.core.pagination import EndReadPaginator
from apps.naming import selectors as naming_selectors
from apps.notices.services import notices_read_for
from apps.regions.models import Region

from . import hooks, selectors, services, workflow
from .forms import DECISION_FORMS, REQUIRED_TEXT, ChainForm, QueueFilterForm, VerdictForm, VersionForm

PAGE_SIZE = 50
# The decisions on the criteria's verdicts: their buttons come after the criteria, in the review form.
REVIEW_ACTIONS = ("recommend", "return", "approve")


def reviewer_required(view):
    """Logged in and a reviewer (or a ministry/admin watcher); community users get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_watch_reviews(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Queue -------------------------------------------------------------------


@never_cache
@reviewer_required
def review_queue(request):
    user = request.user
    form = QueueFilterForm(request.GET, user=user)
    filters = form.filters()
    rows = selectors.review_queue(user=user, filters=filters)
    page = EndReadPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # The province approves in bulk from the list of what waits for it: a row offers its checkbox
    # only when it can be approved now as it is.
    can_bulk = is_province_staff(user) and (
        filters.state in ("waiting", State.RECOMMENDED) or filters.level == workflow.FINAL
    )
    labels = {}  # the label depends on state, level and chain only: a handful per page
    for a in page:
        key = (a.state, a.review_level, a.review_chain)
        if key not in labels:
            labels[key] = workflow.status_label(a)
        a.status_label = labels[key]
        a.bulk_ok = can_bulk and workflow.can_approve_in_bulk(user, a)
    rows = list(page)
    for decorate in hooks.QUEUE_ROWS:  # e.g. the site check's total beside the scores (apps.sitechecks)
        decorate(rows)
    level = selectors.reviewer_level(user)
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "counts": selectors.review_queue_counts(user=user, year=filters.year),
            "title": workflow.queue_title(level),
            "can_bulk": can_bulk,
            "bulk_rows": sum(1 for a in page if a.bulk_ok),
        },
    )


# --- Review page ---------------------------------------------------------------


def _render_review(
    request,
    pk,
    *,
    status=200,
    bound=None,
    decision_errors=(),
    verdict_form=None,
    verdict_number=None,
    posted=None,
    field_errors=None,
    confirming=None,
):
    """The review page in the assessment's current state. `bound` keeps a posted decision form (with
    its errors and the text typed) when that decision is still possible in the current state."""
    user = request.user
    assessment, responses = assessment_detail(user=user, pk=pk)
    actions = workflow.available_actions(user, assessment)
    chain = workflow.chain_of(assessment)
    demonstration = getattr(assessment, "demonstration", None)
    decision_forms = {}
    for action in actions:
        if bound is not None and bound[0] == action:
            decision_forms[action] = bound[1]
        else:
            initial = {"expected_version": assessment.version}
            if action == "designate" and demonstration is not None:
                initial["citation"] = demonstration.citation
            decision_forms[action] = DECISION_FORMS[action](initial=initial)
    score = standing(assessment)
    if "approve" in decision_forms:
        # A reason is asked for only when the score that stands is below the pass mark (the service
        # asks again if the totals changed meanwhile, and the box then comes back).
        if score and score.below:
            decision_forms["approve"].fields["reason"].widget.attrs.update(REQUIRED_TEXT)
        else:
            decision_forms["approve"].fields.pop("reason", None)
    can_review = workflow.can_review(user, assessment)
    for r in responses:
        if can_review:
            if verdict_number == r.criterion.number and verdict_form is not None:
                r.verdict_form = verdict_form
            elif posted is not None:
                # The whole review form as posted: nothing typed is lost on a refusal.
                number = r.criterion.number
                r.verdict_form = VerdictForm(posted, prefix=f"c{number}")
                r.verdict_form.is_valid()
                for key, messages_ in (field_errors or {}).items():
                    if key.startswith(f"c{number}-"):
                        field = key.split("-", 1)[1]
                        for message in messages_:
                            r.verdict_form.add_error(
                                field if field in r.verdict_form.fields else None, message
                            )
            else:
                r.verdict_form = VerdictForm(
                    initial={
                        "verdict": r.verdict or None,
                        "comment": r.review_comment,
                        "score": score_text(r.self_score if r.confirmed_score is None else r.confirmed_score),
                    },
                    prefix=f"c{r.criterion.number}",
                )
        r.figure_ok = (
            r.figure is not None
            and r.criterion.threshold_percent is not None
            and r.figure >= r.criterion.threshold_percent
        )
    figures = [r for r in responses if r.criterion.kind == "percent"]
    before = selectors.previous_round(assessment=assessment, responses=responses)
    for r in responses:
        r.previous = before.get(r.criterion.number)
    next_level = (
        workflow.next_level(chain, assessment.review_level) if assessment.review_level in chain else None
    )
    return render(
        request,
        "review/detail.html",
        {
            "assessment": assessment,
            "status_label": workflow.status_label(assessment),
            "chain_names": [workflow.level_name(k, chain) for k in chain],
            "next_level_name": workflow.level_name(next_level, chain) if next_level else "",
            "responses": responses,
            "figures": figures,
            "events": selectors.history_timeline(assessment=assessment),
            "decision_forms": decision_forms,
            "decision_errors": list(decision_errors),
            "can_review": can_review,
            "not_confirmed": [r for r in responses if r.verdict == Verdict.NOT_CONFIRMED],
            "demonstration": demonstration,
            "standing": score,
            "review_actions": [a for a in decision_forms if a in REVIEW_ACTIONS],
            "other_actions": [a for a in decision_forms if a not in REVIEW_ACTIONS],
            "confirming": confirming,
            "changed_count": sum(1 for v in before.values() if v["changed"]),
            # Where the province has a naming procedure for the year, approving proposes (拟认定).
            "proposes": "approve" in decision_forms
            and naming_selectors.final_decision(
                province_id=assessment.province_id, year=assessment.year
            ).proposes,
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
    if form.is_valid():
        try:
            services.response_review(
                response=response,
                user=user,
                verdict=form.cleaned_data["verdict"],
                comment=form.cleaned_data["comment"],
                **({"score": form.cleaned_data["score"]} if response.criterion.points is not None else {}),
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            if exc.status == 409:
                messages.error(request, exc.message)
                return redirect(reverse("review:detail", args=[pk]) + f"#c{number}")
            return _render_review(request, pk, status=exc.status, verdict_form=form, verdict_number=number)
        messages.success(request, _("Criterion %(n)s: verdict saved.") % {"n": number})
        return redirect(reverse("review:detail", args=[pk]) + f"#c{number}")
    return _render_review(request, pk, status=400, verdict_form=form, verdict_number=number)


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
    try:
        errors = services.verdicts_save(assessment=assessment, user=user, items=items)
    except ServiceError as exc:
        if _wants_json(request):
            return JsonResponse(
                {"ok": False, "status": "conflict", "message": exc.message}, status=exc.status
            )
        if exc.status == 409:
            messages.error(request, exc.message)
            return redirect("review:detail", pk=pk)
        return _render_review(
            request, pk, status=exc.status, posted=request.POST, decision_errors=[exc.message]
        )
    if _wants_json(request):
        if errors:
            return JsonResponse({"ok": False, "status": "invalid", "errors": errors}, status=400)
        at = timezone.localtime().strftime("%H:%M")
        return JsonResponse(
            {"ok": True, "status": "saved", "saved_at": at, "message": _("Saved %(time)s") % {"time": at}}
        )
    if errors:
        return _render_review(
            request,
            pk,
            status=400,
            posted=request.POST,
            field_errors=errors,
            decision_errors=[_("Some verdicts were not saved: see the criteria marked.")],
        )
    messages.success(request, _("The verdicts and comments were saved."))
    return redirect("review:detail", pk=pk)


def _wants_json(request) -> bool:
    return request.headers.get("X-Requested-With") == "fetch"


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
    posted = None
    if action in REVIEW_ACTIONS and workflow.can_review(user, assessment):
        items = _posted_verdicts(request, responses)
        if items:
            posted = request.POST
            try:
                errors = services.verdicts_save(assessment=assessment, user=user, items=items)
            except ServiceError as exc:
                return _render_review(
                    request,
                    pk,
                    status=exc.status,
                    bound=(action, form),
                    decision_errors=[exc.message],
                    posted=posted,
                )
            if errors:
                return _render_review(
                    request,
                    pk,
                    status=400,
                    bound=(action, form),
                    posted=posted,
                    field_errors=errors,
                    decision_errors=[_("Some verdicts were not saved: see the criteria marked.")],
                )
            assessment, responses = assessment_detail(user=user, pk=pk)
        missing = [r.criterion.number for r in responses if not r.verdict]
        if missing:
            message = _("Every criterion needs a verdict first. Without a verdict: criteria %(list)s.") % {
                "list": "、".join(str(n) for n in missing)
            }
            form.is_valid()
            return _render_review(
                request, pk, status=400, bound=(action, form), decision_errors=[message], posted=posted
            )
    if not form.is_valid():
        return _render_review(request, pk, status=400, bound=(action, form), posted=posted)
    if request.POST.get("confirm") != "1":
        # Nothing decided yet: the page shows what will happen and who will be told.
        return _render_review(
            request, pk, bound=(action, form), posted=posted, confirming=_summary(action, responses, form)
        )
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
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render_review(
            request, pk, status=exc.status, bound=(action, form), decision_errors=[exc.message], posted=posted
        )
    if repeated:
        # The same decision posted again (double click, back button): the outcome of the first.
        messages.info(request, _("This decision was already submitted: %(done)s") % {"done": done})
    else:
        messages.success(request, done)
    return redirect("review:detail", pk=pk)


# --- Bulk approval -----------------------------------------------------------------


def _posted_ids(request) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids"):
        if not (raw.isascii() and raw.isdigit()):
            raise Http404
        ids.append(int(raw))
    return sorted(set(ids))


@never_cache
@reviewer_required
@require_POST
def review_bulk_approve(request):
    """Step 1 (ids ticked in the queue): the confirmation page listing them. Step 2 (confirm=1, with
    the versions shown): approve them all with assessment_bulk_approve, all or nothing."""
    user = request.user
    if not is_province_staff(user):
        raise PermissionDenied
    ids = _posted_ids(request)
    if not ids:
        messages.error(request, _("Select at least one assessment waiting for your decision."))
        return redirect(reverse("review:queue") + "?state=waiting")
    assessments = selectors.assessments_for_bulk(user=user, pks=ids)
    if len(assessments) != len(ids):
        raise Http404
    errors = []
    status = 200
    if request.POST.get("confirm") == "1":
        form_versions = {}
        for a in assessments:
            form = VersionForm({"expected_version": request.POST.get(f"version_{a.pk}")})
            if form.is_valid():
                form_versions[a.pk] = form.cleaned_data["expected_version"]
        try:
            done = services.assessment_bulk_approve(
                assessments=assessments, user=user, expected_versions=form_versions
            )
        except ServiceError as exc:
            errors.append(exc.message)
            status = exc.status
            assessments = selectors.assessments_for_bulk(user=user, pks=ids)
        else:
            new = sum(1 for a in done if not a.decision_repeated)
            if new:
                messages.success(
                    request,
                    _("%(n)s assessments approved: the communities meet the requirements.") % {"n": new},
                )
            else:
                # The same batch confirmed again (double click, back button): the outcome of the first.
                messages.info(
                    request, _("These assessments were already approved: nothing was approved twice.")
                )
            return redirect(reverse("review:queue") + f"?state={State.APPROVED}")
    not_ready = [a for a in assessments if not workflow.can_review(user, a)]
    for a in assessments:
        a.standing = standing(a)
    # Below the pass mark an approval needs its written reason: on the assessment's own page.
    below = [a for a in assessments if a.standing and a.standing.below and a not in not_ready]
    return render(
        request,
        "review/bulk_confirm.html",
        {"assessments": assessments, "not_ready": not_ready, "below": below, "errors": errors},
        status=status,
    )


# --- Submitting (the community) -----------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def assessment_submit(request, pk):
    """GET: the confirmation (or the list of what is missing). POST: submit to the first level of the
    province's review chain."""
    assessment = access_assessment(user=request.user, pk=pk)
    if not is_committee(request.user):
        raise PermissionDenied
    error = ""
    status = 200
    if request.method == "POST":
        form = SubmitForm(request.POST)
        version = form.cleaned_data["version"] if form.is_valid() else None
        try:
            done = services.assessment_submit(
                assessment=assessment, user=request.user, expected_version=version
            )
        except ServiceError as exc:
            if exc.status == 409:
                messages.error(request, exc.message)
                return redirect("assessments:detail", pk=pk)
            error = exc.message if exc.code != "incomplete" else ""
            status = 400
        else:
            if done.decision_repeated:
                # Submitted twice (double click, back button): the outcome of the first.
                messages.info(
                    request,
                    _(
                        "The self-assessment was already submitted for review: nothing was submitted twice. It is read-only until the reviewers answer."
                    ),
                )
            else:
                messages.success(
                    request,
                    _(
                        "The self-assessment was submitted for review. It is read-only until the reviewers answer."
                    ),
                )
            return redirect("assessments:detail", pk=pk)
    missing = assessment_services.assessment_missing(assessment) if assessment.is_editable else []
    chain = selectors.chain_for(province_id=assessment.province_id, year=assessment.year)
    context = {
        "assessment": assessment,
        "missing": missing,
        "error": error,
        "first_level_name": workflow.level_name(chain[0], chain),
        "form": SubmitForm(initial={"version": assessment.version}),
    }
    return render(request, "review/submit.html", context, status=status)


# --- The province's review chain -----------------------------------------------------


def _chain_year(raw) -> int:
    year = campaign_year()
    if raw and str(raw).isascii() and str(raw).isdigit() and FIRST_YEAR <= int(raw) <= year + 1:
        return int(raw)
    return year


@login_required
@require_http_methods(["GET", "POST"])
def review_chain(request):
    """The province's review chain of a campaign year: set it, with a preview of who reviews at each
    level; frozen (and saying why) once an assessment of that year was submitted."""
    user = request.user
    if not can_configure_province(user):
        raise PermissionDenied
    province = Region.objects.get(pk=user.region_id)
    year = _chain_year(request.POST.get("year") if request.method == "POST" else request.GET.get("year"))
    current = selectors.chain_for(province_id=province.pk, year=year)
    frozen = selectors.chain_is_frozen(province_id=province.pk, year=year)
    status = 200
    if request.method == "POST":
        form = ChainForm(request.POST)
        if form.is_valid():
            try:
                services.review_chain_set(
                    user=user, province_id=province.pk, year=year, levels=form.cleaned_data["levels"]
                )
            except ServiceError as exc:
                form.add_error("levels" if exc.field == "levels" else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The review chain of %(year)s was saved.") % {"year": year})
                return redirect(reverse("review:chain") + f"?year={year}")
        else:
            status = 400
    else:
        form = ChainForm(initial={"levels": list(current), "year": year})
    proposed = form.proposed_levels() if form.is_bound else list(current)
    return render(
        request,
        "review/chain.html",
        {
            "form": form,
            "province": province,
            "year": year,
            "years": range(campaign_year() + 1, FIRST_YEAR - 1, -1),
            "current": [workflow.level_name(k, current) for k in current],
            "frozen": frozen,
            "preview": selectors.chain_preview(province_id=province.pk, levels=proposed),
            "history": selectors.chains_of_province(user=user, province_id=province.pk),
        },
        status=status,
    )
