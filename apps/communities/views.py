from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from .filters import CommunityFilter
from .models import Community
from .selectors import community_get_visible

PAGE_SIZE = 50


@login_required
def community_list(request):
    base = Community.objects.visible_to(request.user).with_regions().order_by("code")
    filterset = CommunityFilter(request.GET or None, queryset=base, user=request.user)
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "communities/list.html", {"filter": filterset, "page": page})


@login_required
def community_detail(request, code):
    try:
        community = community_get_visible(user=request.user, code=code)
    except Community.DoesNotExist:
        raise Http404 from None
    return render(request, "communities/detail.html", {"community": community})
