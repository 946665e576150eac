"""API of the targets app (under /api/v1/targets/): targets in scope, one area's actual against its
target with the areas it sets below, and a city's or county's creation list."""

from django.http import Http404
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
from .models import CreationListEntry, Target, area_visible_q
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
        params = self.request.query_params
        if params.get("year", "").isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        if params.get("area"):
            queryset = queryset.filter(area_id=params["area"])
        return queryset.select_related("area").order_by("year", "area_id")


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
        params = self.request.query_params
        if params.get("year", "").isdigit():
            queryset = queryset.filter(year=int(params["year"]))
        if params.get("area"):
            queryset = queryset.filter(area_id=params["area"])
        return queryset.select_related("community").order_by("year", "community_id")
