from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.accounts.capabilities import can_manage_registry
from apps.accounts.scoping import is_nationwide
from apps.core.errors import ForbiddenError, ServiceError
from apps.core.pagination import EndReadPaginator

from .counts import national_list_count
from .filters import CommunityFilter
from .forms import RetireForm
from .list_rows import community_rows_prepare
from .models import Community
from .selectors import community_get_visible, community_life, community_list_columns
from .services import community_retire

PAGE_SIZE = 50


@login_required
def community_list(request):
    base = Community.objects.visible_to(request.user).order_by("code")
    filterset = CommunityFilter(request.GET or None, queryset=base, user=request.user)
    valid = filterset.is_bound and filterset.is_valid()
    qs = filterset.qs if valid else filterset.filter_status(base, "status", "")
    count = None
    if is_nationwide(request.user):
        chosen = {k: v for k, v in filterset.form.cleaned_data.items() if v} if valid else {}
        if set(chosen) <= {"status"}:
            count = national_list_count(qs, status=chosen.get("status", ""))
    if count is None:
        count = qs.count()  # of the communities alone: the rows' columns join the regions
    page = EndReadPaginator(community_list_columns(qs), PAGE_SIZE, count=count).get_page(
        request.GET.get("page")
    )
    community_rows_prepare(page)
    return render(request, "communities/list.html", {"filter": filterset, "page": page})


def _community_or_404(request, code) -> Community:
    try:
        return community_get_visible(user=request.user, code=code)
    except Community.DoesNotExist:
        raise Http404 from None


@login_required
def community_detail(request, code):
    """A community with its life in the registry (added, retired, merged into, predecessors), its
    assessments of every year and its registry history (for those who may read that history)."""
    community = _community_or_404(request, code)
    return render(
        request,
        "communities/detail.html",
        {
            "community": community,
            **community_life(user=request.user, community=community),
            "can_retire": can_manage_registry(request.user, community.province_id)
            and community.retired_on is None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def community_retire_view(request, code):
    """Retire a community (provincial staff of its unit): merged, abolished or renamed with a new
    code, from a date. A refusal keeps what was typed and says why next to the field."""
    community = _community_or_404(request, code)
    if not can_manage_registry(request.user, community.province_id):
        raise PermissionDenied
    form = RetireForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                community_retire(
                    user=request.user,
                    community=community,
                    kind=data["kind"],
                    effective_on=data["effective_on"],
                    successor_code=data["successor_code"],
                    successor_name=data["successor_name"],
                    note=data["note"],
                )
            except ForbiddenError:
                raise PermissionDenied from None
            except ServiceError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(
                    request,
                    _("%(name)s is retired from the registry from %(date)s.")
                    % {"name": community.name, "date": data["effective_on"].isoformat()},
                )
                return redirect("communities:detail", code=community.code)
    return render(
        request,
        "communities/retire.html",
        {"community": community, "form": form, **community_life(user=request.user, community=community)},
        status=status,
    )
