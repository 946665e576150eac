"""The reviewers' pages: queues, the review page with its decisions, bulk approval.

Thin: reads come from selectors, every write is a service. A ServiceError becomes a form error on
the page (with the service's status: 409 when someone else acted first), and nothing changes.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.models import Role
from apps.core.errors import ServiceError

from . import review_selectors, services
from .models import Assessment, Response, State, Verdict
from .review_forms import DECISION_FORMS, QueueFilterForm, VerdictForm, VersionForm
from .selectors import assessment_detail

PAGE_SIZE = 50
REVIEW_ROLES = (Role.CITY, Role.PROVINCE, Role.MINISTRY, Role.ADMIN)


def reviewer_required(view):
    """Logged in and a reviewer (or a ministry/admin watcher); community users get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role not in REVIEW_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- Queue -------------------------------------------------------------------


@reviewer_required
def review_queue(request):
    user = request.user
    form = QueueFilterForm(request.GET, user=user)
    filters = form.filters()
    rows = review_selectors.review_queue(user=user, filters=filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = review_selectors.review_queue_counts(user=user, year=filters.year)
    return render(
        request,
        "review/queue.html",
        {
            "form": form,
            "filters": filters,
            "page": page,
            "counts": [(state, State(state).label, n) for state, n in counts.items()],
            "waiting_state": review_selectors.waiting_state(user),
            "can_bulk": user.role == Role.PROVINCE and filters.state == State.RECOMMENDED,
        },
    )


# --- Review page ---------------------------------------------------------------


def _available_actions(user, assessment: Assessment) -> list[str]:
    if user.role == Role.CITY and assessment.state == State.SUBMITTED:
        return ["recommend", "return"]
    if user.role == Role.PROVINCE and assessment.state == State.RECOMMENDED:
        return ["approve", "return"]
    if user.role == Role.PROVINCE and assessment.state == State.APPROVED:
        return ["revoke", "designate"]
    return []


def _can_review_criteria(user, assessment: Assessment) -> bool:
    return (user.role == Role.CITY and assessment.state == State.SUBMITTED) or (
        user.role == Role.PROVINCE and assessment.state == State.RECOMMENDED
    )


def _load(user, pk) -> tuple[Assessment, list[Response]]:
    try:
        return assessment_detail(user=user, pk=pk)
    except Assessment.DoesNotExist:
        raise Http404 from None


def _render_review(
    request, pk, *, status=200, bound=None, decision_errors=(), verdict_form=None, verdict_number=None
):
    """The review page in the assessment's current state. `bound` keeps a posted decision form (with
    its errors and the text typed) when that decision is still possible in the current state."""
    user = request.user
    assessment, responses = _load(user, pk)
    actions = _available_actions(user, assessment)
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
    can_review = _can_review_criteria(user, assessment)
    for r in responses:
        if can_review:
            if verdict_number == r.criterion.number and verdict_form is not None:
                r.verdict_form = verdict_form
            else:
                r.verdict_form = VerdictForm(
                    initial={"verdict": r.verdict or None, "comment": r.review_comment},
                    prefix=f"c{r.criterion.number}",
                )
        r.figure_ok = (
            r.figure is not None
            and r.criterion.threshold_percent is not None
            and r.figure >= r.criterion.threshold_percent
        )
    figures = [r for r in responses if r.criterion.kind == "percent"]
    return render(
        request,
        "review/detail.html",
        {
            "assessment": assessment,
            "responses": responses,
            "figures": figures,
            "events": review_selectors.history_timeline(assessment=assessment),
            "decision_forms": decision_forms,
            "decision_errors": list(decision_errors),
            "can_review": can_review,
            "not_confirmed": [r for r in responses if r.verdict == Verdict.NOT_CONFIRMED],
            "demonstration": demonstration,
        },
        status=status,
    )


@reviewer_required
def review_detail(request, pk):
    return _render_review(request, pk)


@reviewer_required
@require_POST
def review_criterion(request, pk, number):
    """A verdict and comment on one criterion (response_review)."""
    user = request.user
    try:
        response = (
            Response.objects.visible_to(user)
            .select_related("criterion", "assessment")
            .get(assessment_id=pk, criterion__number=number)
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
            )
        except ServiceError as exc:
            if exc.status == 404:
                raise Http404 from None
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            if exc.status == 409:
                messages.error(request, exc.message)
                return redirect(reverse("review:detail", args=[pk]) + f"#c{number}")
            return _render_review(request, pk, status=exc.status, verdict_form=form, verdict_number=number)
        messages.success(request, _("Criterion %(n)s: verdict saved.") % {"n": number})
        return redirect(reverse("review:detail", args=[pk]) + f"#c{number}")
    return _render_review(request, pk, status=400, verdict_form=form, verdict_number=number)


def _decide(*, action: str, assessment: Assessment, user, data: dict, responses_comments: dict):
    version = data["expected_version"]
    if action == "recommend":
        services.assessment_recommend(assessment=assessment, user=user, expected_version=version)
        return _("Recommended to the province.")
    if action == "return":
        services.assessment_return(
            assessment=assessment,
            user=user,
            reason=data["reason"],
            comments=responses_comments,
            expected_version=version,
        )
        return _("Returned to the community for revision.")
    if action == "approve":
        services.assessment_approve(assessment=assessment, user=user, expected_version=version)
        return _("Approved: the community meets the requirements.")
    if action == "revoke":
        services.assessment_revoke(
            assessment=assessment, user=user, reason=data["reason"], expected_version=version
        )
        return _("The approval was revoked.")
    services.demonstration_designate(
        assessment=assessment, user=user, citation=data["citation"], expected_version=version
    )
    return _("Designated a demonstration community.")


@reviewer_required
@require_POST
def review_decide(request, pk, action):
    """One decision on the whole assessment: recommend, return, approve, revoke or designate."""
    if action not in DECISION_FORMS:
        raise Http404
    user = request.user
    assessment, responses = _load(user, pk)
    form = DECISION_FORMS[action](request.POST)
    if not form.is_valid():
        return _render_review(request, pk, status=400, bound=(action, form))
    # Comments on criteria the reviewers did not confirm go to the community with the return.
    comments = {
        r.criterion.number: r.review_comment
        for r in responses
        if r.verdict == Verdict.NOT_CONFIRMED and r.review_comment
    }
    try:
        done = _decide(
            action=action,
            assessment=assessment,
            user=user,
            data=form.cleaned_data,
            responses_comments=comments,
        )
    except ServiceError as exc:
        if exc.status == 404:
            raise Http404 from None
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return _render_review(
            request, pk, status=exc.status, bound=(action, form), decision_errors=[exc.message]
        )
    messages.success(request, done)
    return redirect("review:detail", pk=pk)


# --- Bulk approval -----------------------------------------------------------------


def _posted_ids(request) -> list[int]:
    ids = []
    for raw in request.POST.getlist("ids"):
        try:
            ids.append(int(raw))
        except ValueError:
            raise Http404 from None
    return sorted(set(ids))


@reviewer_required
@require_POST
def review_bulk_approve(request):
    """Step 1 (ids ticked in the queue): the confirmation page listing them. Step 2 (confirm=1, with
    the versions shown): approve them all with assessment_bulk_approve, all or nothing."""
    user = request.user
    if user.role != Role.PROVINCE:
        raise PermissionDenied
    ids = _posted_ids(request)
    if not ids:
        messages.error(request, _("Select at least one recommended assessment."))
        return redirect(reverse("review:queue") + f"?state={State.RECOMMENDED}")
    assessments = review_selectors.assessments_for_bulk(user=user, pks=ids)
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
            services.assessment_bulk_approve(
                assessments=assessments, user=user, expected_versions=form_versions
            )
        except ServiceError as exc:
            errors.append(exc.message)
            status = exc.status
            assessments = review_selectors.assessments_for_bulk(user=user, pks=ids)
        else:
            messages.success(
                request,
                _("%(n)s assessments approved: the communities meet the requirements.") % {"n": len(ids)},
            )
            return redirect(reverse("review:queue") + f"?state={State.APPROVED}")
    not_ready = [a for a in assessments if a.state != State.RECOMMENDED]
    return render(
        request,
        "review/bulk_confirm.html",
        {"assessments": assessments, "not_ready": not_ready, "errors": errors},
        status=status,
    )
