"""Pages of the integrity app: one flag with what the reviewer may see of the other community (and
the form to explain it), and the flagged shares per province and year. Thin: reads are selectors,
the write is services.flag_explain."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.capabilities import can_explain_flags, can_watch_reviews
from apps.core.errors import ServiceError

from . import selectors, services
from .forms import ExplainForm, YearForm
from .models import COUNTED_KINDS, FlagKind


def _require_watcher(request) -> None:
    if not can_watch_reviews(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def flag_detail(request, pk):
    """A flag: this community's statement or photo beside what the caller may see of the other
    (name, province and year always; the statement or photo itself only within the caller's scope).
    POST: a reviewer explains it."""
    _require_watcher(request)
    flag = selectors.access_flag(user=request.user, pk=pk)
    form = ExplainForm()
    status = 200
    if request.method == "POST":
        form = ExplainForm(request.POST)
        if form.is_valid():
            try:
                services.flag_explain(flag=flag, user=request.user, note=form.cleaned_data["note"])
            except ServiceError as exc:
                form.add_error("note" if exc.field == "note" else None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("The flag is marked as explained."))
                return redirect(
                    reverse("review:detail", args=[flag.assessment_id])
                    + f"#c{flag.response.criterion.number}"
                )
        else:
            status = 400
    return render(
        request,
        "integrity/flag.html",
        {"flag": flag, "form": form, "can_explain": can_explain_flags(request.user)},
        status=status,
    )


@login_required
def flag_figures(request):
    """Per province and year, the share of submitted assessments with an unexplained flag, by kind:
    the ministry sees every province side by side, a reviewer the provinces of their scope."""
    _require_watcher(request)
    form = YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    rows = selectors.flagged_shares(user=request.user, year=year)
    return render(
        request,
        "integrity/figures.html",
        {
            "rows": rows,
            "year": year,
            "kinds": [(k.value, FlagKind(k).label) for k in COUNTED_KINDS],
            "years": sorted({r["year"] for r in rows}, reverse=True),
        },
    )
