"""In-app notices of the logged-in user (the services create them alongside the e-mails)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import selectors, services
from .models import Notice

PAGE_SIZE = 30


@login_required
def notice_list(request):
    page = Paginator(selectors.notice_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/list.html", {"page": page})


@login_required
@require_POST
def notice_read(request, pk):
    """Mark one notice read; with open=1, go on to the page it points to."""
    try:
        notice = selectors.notice_list(user=request.user).get(pk=pk)
    except Notice.DoesNotExist:
        raise Http404 from None
    services.notice_mark_read(user=request.user, pk=notice.pk)
    target = notice.url
    if (
        request.POST.get("open") == "1"
        and target
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return redirect(target)
    return redirect("notices:list")


@login_required
@require_POST
def notice_read_all(request):
    services.notice_mark_read(user=request.user)
    return redirect("notices:list")
