"""API: the integrity flags of one assessment, scoped like the assessment (another region's answers
404) and for those who review or watch reviews (a community committee gets 403: flags are shown to
reviewers). About the other community only its name, province and year; the id of the other
evidence only when the caller's scope covers it."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_watch_reviews
from apps.assessments.selectors import access_assessment

from . import selectors
from .models import FlagKind


class OtherCommunitySerializer(serializers.Serializer):
    name = serializers.CharField()
    province = serializers.CharField()
    year = serializers.IntegerField()


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    criterion = serializers.IntegerField(source="response.criterion.number")
    kind = serializers.ChoiceField(choices=FlagKind.choices)
    similarity = serializers.FloatField(
        allow_null=True, help_text="陈述:估计的 Jaccard 相似度 / statements: estimated Jaccard similarity"
    )
    distance = serializers.IntegerField(
        allow_null=True, help_text="照片:pHash 汉明距离 / photos: pHash Hamming distance"
    )
    captured_on = serializers.DateField(allow_null=True)
    evidence = serializers.IntegerField(source="evidence_id", allow_null=True)
    other = serializers.SerializerMethodField()
    other_evidence = serializers.SerializerMethodField()
    explained = serializers.BooleanField(source="is_explained")
    explained_at = serializers.DateTimeField(allow_null=True)
    explanation = serializers.CharField()

    @extend_schema_field(OtherCommunitySerializer(allow_null=True))
    def get_other(self, flag):
        other = flag.other_assessment
        if other is None:
            return None
        return {"name": other.community.name, "province": other.province.name, "year": other.year}

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_other_evidence(self, flag):
        # Only within the caller's scope: the ministry sees both sides, a district only its own.
        return flag.other_evidence_id if flag.other_visible else None


class IntegrityFlagsView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: FlagSerializer(many=True)},
        summary="诚信核查标记 / Integrity flags of an assessment",
        description="相似陈述、他处也提交的照片、早于创建年度的照片、无法比对的图片。只给出其他社区的名称、省份和年度。"
        "/ Similar statements, photos also submitted elsewhere, photos older than the campaign year, images "
        "that cannot be compared. Of the other community only its name, province and year.",
        tags=["assessments"],
    )
    def get(self, request, pk):
        assessment = access_assessment(user=request.user, pk=pk)
        if not can_watch_reviews(request.user):
            raise PermissionDenied
        flags = selectors.assessment_flags(user=request.user, assessment=assessment)
        return Response(FlagSerializer(flags, many=True).data)
