"""The region pickers' one endpoint: the children of a region in the caller's scope (JSON)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET

from .models import Region
from .selectors import region_children


@login_required
@require_GET
def children(request, code: str = ""):
    """GET /regions/<code>/children/ (and /regions/children/ for the top: the provincial units, for
    nationwide users): {"regions": [{"code", "name", "level"}]} in the caller's scope. Another
    region's code answers 404, like every object outside the caller's scope."""
    try:
        regions = region_children(user=request.user, parent=code)
    except Region.DoesNotExist:
        raise Http404 from None
    return JsonResponse({"regions": regions})
