"""API of the targets app (under /api/v1/targets/): targets in scope, one area's actual against its
target with the areas it sets below, the implementation plans filed and a city's or county's
creation list."""

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.viewsets import ScopedListView
from apps.regions.models import Region

from . import selectors
from .models import CreationListEntry, ImplementationPlan, Target, area_visible_q
from .rules import can_read_targets, child_areas


class TargetSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)

    class Meta:
        model = Target
        fields = [
            "area",
            "area_name",
            "year",
            "participation",
            "meeting",
            "pilots_per_street",
            "set_late",
            "updated_at",
            "version",
        ]


class ProgressRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()
    registered = serializers.IntegerField()
    participating = serializers.IntegerField()
    meeting = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True, help_text="meeting / registered (0-1)")
    participation = serializers.FloatField(allow_null=True, help_text="participating / registered (0-1)")
    target_meeting = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True, help_text="%")
    target_participation = serializers.DecimalField(
        max_digits=5, decimal_places=2, allow_null=True, help_text="%"
    )
    set_late = serializers.BooleanField()
    state = serializers.ChoiceField(choices=["behind", "on_track", "met"], allow_null=True)


class ProgressSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    area = ProgressRowSerializer()
    children = ProgressRowSerializer(many=True)


class CreationListEntrySerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)

    class Meta:
        model = CreationListEntry
        fields = ["year", "community", "community_name", "area", "added_at"]


class PlanSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    download = serializers.SerializerMethodField(help_text="The file (PDF/docx), for those who may read it")

    class Meta:
        model = ImplementationPlan
        fields = [
            "area",
            "area_name",
            "document_number",
            "issued_on",
            "co_issuers",
            "period_from",
            "period_to",
            "status",
            "comments",
            "filed_at",
            "due_on",
            "on_time",
            "decided_at",
            "file_name",
            "sha256",
            "download",
            "version",
        ]

    def get_download(self, plan) -> str:
        return reverse("targets:plan_download", kwargs={"pk": plan.pk})


def _of_year_and_area(queryset, params):
    """The rows of ?year= and ?area=, when the query names them."""
    if params.get("year", "").isdigit():
        queryset = queryset.filter(year=int(params["year"]))
    if params.get("area"):
        queryset = queryset.filter(area_id=params["area"])
    return queryset


@extend_schema_view(
    get=extend_schema(
        summary="目标 / Targets",
        description="辖区内(本级、上级与下级)各地区的年度目标,可按 ?year= 与 ?area= 筛选。/ The targets of the "
        "areas in your scope (your own, above and below), filtered by ?year= and ?area=.",
    )
)
class TargetList(ScopedListView):
    permission_classes = [IsAuthenticated]
    serializer_class = TargetSerializer
    scope_model = Target

    def safely_get_queryset(self, queryset):
        return (
            _of_year_and_area(queryset, self.request.query_params)
            .select_related("area")
            .order_by("year", "area_id")
        )


class Progress(APIView):
    """One area's actual against its target of a year, and the areas it sets targets for."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProgressSerializer}, summary="目标完成情况 / Actual against target")
    def get(self, request, year, code):
        if not can_read_targets(request.user):
            raise PermissionDenied(_("Your role may not read targets."))
        try:
            area = Region.objects.filter(area_visible_q(request.user, "")).get(
                pk=code, level__in=("province", "city", "county")
            )
        except Region.DoesNotExist:
            raise Http404 from None
        children = selectors.progress_rows(year=year, parent=area) if child_areas(area).exists() else []
        return Response(
            ProgressSerializer(
                {"year": year, "area": selectors.area_progress(year=year, area=area), "children": children}
            ).data
        )


class NationalProgress(APIView):
    """The provincial units' actual against the targets the ministry set (ministry and administrators)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: ProgressRowSerializer(many=True)}, summary="各省目标完成情况 / Units against target"
    )
    def get(self, request, year):
        from apps.accounts.capabilities import can_see_national

        if not can_see_national(request.user):
            raise Http404
        return Response(
            ProgressRowSerializer(selectors.progress_rows(year=year, parent=None), many=True).data
        )


@extend_schema_view(get=extend_schema(summary="创建名单 / Creation lists"))
class CreationList(ScopedListView):
    permission_classes = [IsAuthenticated]
    serializer_class = CreationListEntrySerializer
    scope_model = CreationListEntry

    def safely_get_queryset(self, queryset):
        return (
            _of_year_and_area(queryset, self.request.query_params)
            .select_related("community")
            .order_by("year", "community_id")
        )


@extend_schema_view(
    get=extend_schema(
        summary="实施方案 / Implementation plans",
        description="辖区内(本级、上级与下级)已报送的实施方案:文号、日期、联合印发部门、期限、状态、是否按时,"
        "可按 ?status= 筛选。/ The plans filed in your scope, filtered by ?status= (filed, returned, accepted).",
    )
)
class PlanList(ScopedListView):
    permission_classes = [IsAuthenticated]
    serializer_class = PlanSerializer
    scope_model = ImplementationPlan

    def safely_get_queryset(self, queryset):
        status = self.request.query_params.get("status")
        if status:
            queryset = queryset.filter(status=status)
        return queryset.select_related("area").order_by("area_id")
