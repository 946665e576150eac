"""API of the other departments (under /api/v1/departments/): the consultations on proposed lists
and their answers, the criteria each department type checks, the co-signatures of annual reports.
Every queryset comes through the model's visible_to (apps.core.viewsets)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ForbiddenError, NotFoundError
from apps.core.viewsets import ScopedListView

from . import consulting, selectors, services
from .models import Answer, Consultation, DepartmentObjection, OwnedCriterion, ReportSignature


class DepartmentObjectionSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="entry.assessment.community_id", read_only=True, default=None)

    class Meta:
        model = DepartmentObjection
        fields = ["id", "community", "community_name", "text", "late", "outcome", "reason", "resolved_at"]


class ConsultationSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department_type.name", read_only=True)
    department_code = serializers.CharField(source="department_type.code", read_only=True)
    label = serializers.SerializerMethodField()
    objections = DepartmentObjectionSerializer(many=True, read_only=True)

    class Meta:
        model = Consultation
        fields = [
            "id",
            "batch",
            "department",
            "department_code",
            "deadline",
            "sent_at",
            "answer",
            "label",
            "text",
            "answered_at",
            "answered_name",
            "late",
            "lapsed_at",
            "objections",
        ]

    def get_label(self, obj) -> str:
        return selectors.answer_label(obj)


class AnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=[Answer.NONE.value, Answer.OBJECTION.value])
    text = serializers.CharField(required=False, allow_blank=True, default="")
    objections = serializers.DictField(
        child=serializers.CharField(), required=False, default=dict, help_text="batch entry id → text"
    )


class OwnedCriterionSerializer(serializers.ModelSerializer):
    standard = serializers.IntegerField(source="criterion.standard_id", read_only=True)
    number = serializers.IntegerField(source="criterion.number", read_only=True)
    department = serializers.CharField(source="department_type.name", read_only=True)
    department_code = serializers.CharField(source="department_type.code", read_only=True)

    class Meta:
        model = OwnedCriterion
        fields = ["criterion", "standard", "number", "department", "department_code"]


class SignatureSerializer(serializers.ModelSerializer):
    department = serializers.CharField(source="department_type.name", read_only=True)
    province = serializers.CharField(source="report.province_id", read_only=True)
    year = serializers.IntegerField(source="report.year", read_only=True)

    class Meta:
        model = ReportSignature
        fields = [
            "id",
            "report",
            "province",
            "year",
            "department",
            "state",
            "comment",
            "signed_at",
            "signed_name",
        ]


class ConfirmSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ConsultationList(ScopedListView):
    """The consultations in the caller's scope: the province's, or those asked of the department."""

    scope_model = Consultation
    serializer_class = ConsultationSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        return queryset.select_related("department_type").prefetch_related("objections__entry__assessment")


class ConsultationAnswer(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=AnswerSerializer, responses={200: ConsultationSerializer}, summary="部门反馈意见 / Answer"
    )
    def post(self, request, pk):
        try:
            consultation = selectors.access_consultation(user=request.user, pk=pk)
        except NotFoundError:
            raise Http404 from None
        data = AnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        try:
            answered = consulting.consultation_answer(
                user=request.user,
                consultation=consultation,
                answer=v["answer"],
                text=v["text"],
                objections={k: t for k, t in v["objections"].items() if str(k).isdigit()},
            )
        except ForbiddenError as exc:
            raise PermissionDenied(exc.message) from None
        return Response(ConsultationSerializer(answered).data)


class OwnedCriterionList(ScopedListView):
    """The criteria each department type checks, in the local standards the caller reads."""

    scope_model = OwnedCriterion
    serializer_class = OwnedCriterionSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        return queryset.select_related("criterion", "department_type").order_by(
            "criterion__standard_id", "criterion__number"
        )


class SignatureList(ScopedListView):
    """The departments taking part in annual reports, who confirmed and when."""

    scope_model = ReportSignature
    serializer_class = SignatureSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        return queryset.select_related("department_type", "report")


class SignatureConfirm(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ConfirmSerializer, responses={200: SignatureSerializer}, summary="部门会签 / Confirm a report"
    )
    def post(self, request, pk):
        signature = ReportSignature.objects.visible_to(request.user).filter(pk=pk).first()
        if signature is None:
            raise Http404
        data = ConfirmSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            signed = services.report_confirm(
                user=request.user, signature=signature, comment=data.validated_data["comment"]
            )
        except ForbiddenError as exc:
            raise PermissionDenied(exc.message) from None
        return Response(SignatureSerializer(signed).data)
