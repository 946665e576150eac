"""The reviewers' queues (what waits at each level, filtered) and the province's bulk approval from
the queue. Thin: reads come from selectors, the approval is a service."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from apps.accounts.capabilities import is_province_staff
from apps.assessments.models import State
from apps.assessments.scores import standing
from apps.core.errors import ServiceError
from apps.core.pagination import EndReadPaginator

from . import hooks, selectors, services, workflow
from .decorators import reviewer_required
from .forms import QueueFilterForm, VersionForm
from .queue_rows import queue_rows_prepare

PAGE_SIZE = 50


@never_cache
@reviewer_required
def review_queue(request):
    user = request.user
    form = QueueFilterForm(request.GET, user=user)
    filters = form.filters()
    queue = selectors.review_queue(user=user, filters=filters)
    page = EndReadPaginator(selectors.review_queue_columns(queue), PAGE_SIZE, count=queue.count()).get_page(
        request.GET.get("page")
    )
    can_bulk = is_province_staff(user) and (
        filters.state in ("waiting", State.RECOMMENDED) or filters.level == workflow.FINAL
    )
    rows = list(page)
    for decorate in hooks.QUEUE_ROWS:  # e.g. the site check's total beside the scores (apps.sitechecks)
        decorate(rows)
    # The province approves in bulk from the list of what waits for it: a row offers its checkbox
    # only when it can be approved now as it is.
    queue_rows_prepare(rows, user=user, can_bulk=can_bulk)
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
            "bulk_rows": sum(1 for a in rows if a.bulk_ok),
        },
    )


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
