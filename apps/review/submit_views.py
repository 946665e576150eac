"""The community's submit page: the confirmation (or what is still missing), then the submission to
the first level of the province's review chain."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from apps.accounts.capabilities import is_committee
from apps.assessments import services as assessment_services
from apps.assessments.forms import SubmitForm
from apps.assessments.selectors import access_assessment
from apps.core.errors import ServiceError

from . import selectors, submit_services, workflow


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
            done = submit_services.assessment_submit(
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
