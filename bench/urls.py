"""The portal's URLs plus the trivial view that page latencies are measured against."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from greencommunity.urls import urlpatterns as portal_urlpatterns


@login_required
def trivial(request):
    """Same middleware and the same session and user lookup as a page, and nothing else."""
    return HttpResponse(f"ok {request.user.pk}", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial, name="bench-trivial"), *portal_urlpatterns]
