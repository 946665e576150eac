"""REST API of the site checks (/api/v1/sitechecks/): plans with their last draw, the draw, the
assignments in the caller's scope (an expert: its open ones), and the checklist upload from a phone,
idempotent by the device's ids (the same multipart fields as the page's offline queue)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from apps.accounts.capabilities import can_read_site_checks, is_expert
from apps.core.viewsets import ScopedListView, ScopedRetrieveView

from . import selectors, services
from .models import Assignment, InspectionPlan, SampleEntry, SiteVerdict


class SampleSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="assessment.community_id", read_only=True)
    community_name = serializers.CharField(source="assessment.community.name", read_only=True)

    class Meta:
        model = SampleEntry
        fields = [
            "id",
            "assessment",
            "community",
            "community_name",
            "county",
            "reason",
            "weight",
            "state",
            "site_total",
        ]
        read_only_fields = fields


class InspectionPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = InspectionPlan
        fields = [
            "id",
            "province",
            "year",
            "rule",
            "value",
            "min_one",
            "district_rules",
            "force_objections",
            "force_demonstration",
            "force_flagged",
            "margin",
            "flag_weight",
            "seed",
            "return_level",
            "published_at",
        ]
        read_only_fields = fields


class InspectionPlanDetailSerializer(InspectionPlanSerializer):
    sample = serializers.SerializerMethodField()

    class Meta(InspectionPlanSerializer.Meta):
        fields = [*InspectionPlanSerializer.Meta.fields, "sample"]
        read_only_fields = fields

    def get_sample(self, plan) -> list[dict]:
        return SampleSerializer(selectors.current_entries(plan), many=True).data


class AssignmentSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="sample.assessment.community_id", read_only=True)
    community_name = serializers.CharField(source="sample.assessment.community.name", read_only=True)
    assessment = serializers.IntegerField(source="sample.assessment_id", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    leader = serializers.IntegerField(source="group.leader_id", read_only=True)

    class Meta:
        model = Assignment
        fields = ["id", "assessment", "community", "community_name", "group", "group_name", "leader", "state"]
        read_only_fields = fields


class ItemUploadSerializer(serializers.Serializer):
    inspection = serializers.UUIDField(help_text="设备生成的核查记录编号 / the device's id of the inspection")
    item = serializers.UUIDField(help_text="设备生成的条目编号 / the device's id of the item")
    criterion = serializers.IntegerField(min_value=1)
    verdict = serializers.ChoiceField(choices=SiteVerdict.choices)
    score = serializers.CharField(required=False, allow_blank=True, max_length=10)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)
    client_at = serializers.CharField(required=False, allow_blank=True, max_length=40)
    photo = serializers.ListField(child=serializers.FileField(), required=False)
    photo_id = serializers.ListField(child=serializers.UUIDField(), required=False)


class UploadResultSerializer(serializers.Serializer):
    item = serializers.UUIDField()
    photos = serializers.ListField(child=serializers.UUIDField())
    errors = serializers.ListField(child=serializers.DictField())
    late = serializers.BooleanField()


class SignOffSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    conclusion = serializers.CharField(max_length=4000)


class PlanList(ScopedListView):
    """The inspection plans in the caller's scope (provincial departments, nationwide users)."""

    scope_model = InspectionPlan
    serializer_class = InspectionPlanSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        if not getattr(self, "swagger_fake_view", False) and not can_read_site_checks(self.request.user):
            raise PermissionDenied
        return queryset.order_by("province_id", "-year")


class PlanDetail(ScopedRetrieveView):
    """A plan with the sample of its last draw."""

    scope_model = InspectionPlan
    serializer_class = InspectionPlanDetailSerializer
    permission_classes = [IsAuthenticated]


class _Action(ScopedRetrieveView):
    """A POST that acts on one object of the caller's scope."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["post", "options"]


class PlanDraw(_Action):
    scope_model = InspectionPlan
    serializer_class = InspectionPlanDetailSerializer

    @extend_schema(
        request=None, responses={200: InspectionPlanDetailSerializer}, summary="抽取样本 / Draw the sample"
    )
    def post(self, request, pk):
        plan = self.get_object()
        services.sample_draw(user=request.user, plan=plan)
        return Response(InspectionPlanDetailSerializer(plan).data)


class AssignmentList(ScopedListView):
    """Assignments in the caller's scope: an expert's open ones, the province's, or all."""

    scope_model = Assignment
    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        user = self.request.user
        if not getattr(self, "swagger_fake_view", False) and not (
            is_expert(user) or can_read_site_checks(user)
        ):
            raise PermissionDenied
        return queryset.select_related("sample__assessment__community", "group").order_by("pk")


class AssignmentDetail(ScopedRetrieveView):
    scope_model = Assignment
    serializer_class = AssignmentSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        return queryset.select_related("sample__assessment__community", "group")


class ItemUpload(_Action):
    """One checklist item with its photos from a phone: idempotent by the device's ids; a photo
    refused (size, type) is named in `errors` while the rest is saved; an upload for an assignment
    closed meanwhile is kept and flagged (`late`), not applied."""

    scope_model = Assignment
    serializer_class = UploadResultSerializer
    parser_classes = [MultiPartParser, FormParser]

    def dangerously_get_queryset(self):
        # Closed assignments too (the upload is then kept, flagged): the expert's own groups only.
        return Assignment.objects.filter(group__members=self.request.user)

    @extend_schema(
        request=ItemUploadSerializer,
        responses={200: UploadResultSerializer},
        summary="上传核查条目 / Upload an item",
    )
    def post(self, request, pk):
        if not is_expert(request.user):
            raise PermissionDenied
        assignment = self.get_object()
        data = ItemUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        ids = v.get("photo_id", [])
        files = request.FILES.getlist("photo")
        uploads = [{"device_id": ids[i] if i < len(ids) else None, "file": f} for i, f in enumerate(files)]
        for upload in uploads:
            upload["device_id"] = upload["device_id"] or services.uuid.uuid4()
        result = services.item_upload(
            user=request.user,
            assignment_pk=assignment.pk,
            inspection_id=v["inspection"],
            item_id=v["item"],
            criterion_number=v["criterion"],
            verdict=v["verdict"],
            score=v.get("score", ""),
            note=v.get("note", ""),
            client_at=v.get("client_at", ""),
            photo_uploads=uploads,
        )
        return Response(result)


class SignOff(_Action):
    scope_model = Assignment
    serializer_class = AssignmentSerializer

    @extend_schema(
        request=SignOffSerializer, responses={200: AssignmentSerializer}, summary="签署 / Sign off"
    )
    def post(self, request, pk):
        if not is_expert(request.user):
            raise PermissionDenied
        assignment = self.get_object()
        data = SignOffSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.inspection_sign_off(user=request.user, assignment=assignment, **data.validated_data)
        assignment.refresh_from_db()
        return Response(AssignmentSerializer(assignment).data)
