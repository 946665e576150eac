"""API views: thin. Reads go through the scoped querysets and selectors (another region's object
answers 404), writes through the domain services, whose ServiceError becomes the JSON error.

One module per resource: `token_views` (tokens), `registry_views` (divisions, standards,
communities), `assessment_views` (self-assessments, review, evidence files); here what belongs
to none: the campaign calendar and the JSON 404 of every other path."""

from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.campaign import campaign_calendar

from . import serializers as s


class CampaignView(APIView):
    @extend_schema(
        responses={200: s.CampaignSerializer},
        summary="当前年度与截止日期 / The campaign year and its deadlines",
        description="当前年度、已有年度、年度总结评估报告截止日期(北京时间)及剩余天数、全国目标。/ The campaign "
        "year, the years that exist, the annual report's deadline (Asia/Shanghai) with the days left, and "
        "the national target.",
        tags=["reports"],
    )
    def get(self, request):
        return Response(s.CampaignSerializer(campaign_calendar()).data)


@csrf_exempt  # it changes nothing; without this a POST would get Django's HTML 403 page
def api_not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like every API error, never Django's HTML page."""
    from django.http import JsonResponse

    from .exceptions import error_body

    return JsonResponse(error_body("not_found", _("Not found.")), status=404)
