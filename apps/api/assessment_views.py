"""API views of the self-assessments: list, read and open them; the community's answers, evidence
and submission; the reviewers' verdicts and decisions (recommend, return, approve, revoke,
designate); the history; and the download of an evidence file. Reads go through
`apps.assessments.selectors.access_assessment` (another region's assessment answers 404), writes
through the assessment and review services."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.assessments import selectors as assessment_selectors
from apps.assessments import services as assessment_services
from apps.assessments.evidence_views import evidence_file_response
from apps.assessments.files import CONTENT_TYPES
from apps.assessments.models import Assessment, Evidence
from apps.communities.models import Community
from apps.core.converters import ID_REGEX, NUMBER_REGEX
from apps.core.errors import ServiceError
from apps.core.viewsets import ScopedViewSet
from apps.review import services as review_services
from apps.review import submit_services, verdict_services

from . import serializers as s
from .filters import AssessmentFilter
from .validation import validated

# --- Assessments ---------------------------------------------------------------

# Path parts are ASCII digits (apps.core.converters): anything else matches no route and answers
# the API's JSON 404.
NUMBER = f"responses/(?P<number>{NUMBER_REGEX})"


@extend_schema_view(
    list=extend_schema(
        summary="自评列表 / Self-assessments",
        description="辖区内的自评;排序字段:id、year、community、state、submitted_at、updated_at。/ "
        "Self-assessments in your scope; ordering: id, year, community, state, submitted_at, updated_at.",
    ),
    retrieve=extend_schema(
        responses={200: s.AssessmentDetailSerializer},
        summary="自评详情(含各条回答与佐证)/ One self-assessment with its responses and evidence",
    ),
    create=extend_schema(
        request=s.AssessmentCreateSerializer,
        responses={201: s.AssessmentDetailSerializer, 200: s.AssessmentDetailSerializer},
        summary="开始年度自评(社区)/ Open the year's self-assessment (community)",
        description="每个社区每年一份;已存在时返回已有的(200)。/ One per community and year; an "
        "existing one is returned (200).",
    ),
)
class AssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    ordering_fields = ["id", "year", "community", "state", "submitted_at", "updated_at"]
    ordering = ["-year", "community"]
    lookup_value_regex = ID_REGEX
    scope_model = Assessment

    def safely_get_queryset(self, queryset):
        return queryset.select_related("community", "county", "street", "city", "province", "standard")

    def get_object(self):
        return assessment_selectors.access_assessment(user=self.request.user, pk=_int(self.kwargs["pk"]))

    def _detail(self, pk, *, status_code=status.HTTP_200_OK):
        assessment, responses = assessment_selectors.assessment_detail(user=self.request.user, pk=pk)
        data = s.AssessmentDetailSerializer(
            assessment, context={"responses": responses, "request": self.request}
        ).data
        return Response(data, status=status_code)

    def retrieve(self, request, *args, **kwargs):
        self.get_object()
        return self._detail(self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        body = validated(s.AssessmentCreateSerializer, request)
        community = get_object_or_404(Community.objects.visible_to(request.user), pk=body["community"])
        year = body["year"]
        existed = Assessment.objects.filter(community=community, year=year).exists()
        assessment = assessment_services.assessment_create(community=community, year=year, user=request.user)
        return self._detail(
            assessment.pk, status_code=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def _response(self, assessment, number):
        return get_object_or_404(
            assessment.responses.select_related("criterion", "assessment"), criterion__number=_int(number)
        )

    def _state(self, assessment):
        return Response(s.AssessmentSerializer(assessment, context={"request": self.request}).data)

    # --- The community's self-assessment ---

    @extend_schema(
        request=s.ResponseWriteSerializer,
        responses={200: s.ResponseSerializer},
        summary="保存一条回答(社区)/ Save one criterion's answer (community)",
        description="带上读到的 version;他人已保存时返回 409。/ Send the version you read; if somebody "
        "saved meanwhile the answer is refused with 409.",
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["put"], url_path=NUMBER)
    def save_response(self, request, pk=None, number=None, format=None):
        assessment = self.get_object()
        response = self._response(assessment, number)
        v = validated(s.ResponseWriteSerializer, request)
        saved = assessment_services.response_save(
            response=response,
            user=request.user,
            rating=v.get("rating", ""),
            statement=v.get("statement", ""),
            figure=v.get("figure"),
            **({"self_score": v["self_score"]} if "self_score" in v else {}),
            expected_version=v.get("version"),
        )
        saved.live_evidence = list(Evidence.objects.filter(response=saved, withdrawn_round__isnull=True))
        return Response(s.ResponseSerializer(saved).data)

    @extend_schema(
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={201: s.EvidenceSerializer},
        summary="上传佐证(社区)/ Upload an evidence file (community)",
        description="multipart/form-data,字段 file 和 caption;超过上限返回 413。/ multipart/form-data with "
        "file and caption; a file over the limit answers 413.",
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=f"{NUMBER}/evidence",
        parser_classes=[MultiPartParser],
    )
    def add_evidence(self, request, pk=None, number=None, format=None):
        assessment = self.get_object()
        response = self._response(assessment, number)
        # Refuse an oversized body before reading it.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.EVIDENCE_MAX_BYTES + 64 * 1024:
            from apps.assessments.files import check_size

            check_size(length)
        body = validated(s.EvidenceUploadSerializer, request)
        evidence = assessment_services.evidence_add(
            response=response,
            user=request.user,
            uploaded_file=body["file"],
            caption=body.get("caption", ""),
        )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="移除佐证(社区)/ Remove an evidence file (community)",
        parameters=[OpenApiParameter("evidence_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["delete"], url_path=f"evidence/(?P<evidence_id>{ID_REGEX})")
    def remove_evidence(self, request, pk=None, evidence_id=None, format=None):
        assessment = self.get_object()
        evidence = get_object_or_404(
            Evidence.objects.visible_to(request.user)
            .filter(response__assessment=assessment, withdrawn_round__isnull=True)
            .select_related("response__assessment", "response__criterion"),
            pk=_int(evidence_id),
        )
        assessment_services.evidence_remove(evidence=evidence, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        request=s.VersionSerializer,
        responses={200: s.AssessmentSerializer},
        summary="提交(社区)/ Submit (community)",
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None, format=None):
        assessment = self.get_object()
        v = validated(s.VersionSerializer, request)
        return self._state(
            submit_services.assessment_submit(
                assessment=assessment, user=request.user, expected_version=v.get("version")
            )
        )

    # --- Review ---

    @extend_schema(
        request=s.ReviewSerializer,
        responses={200: s.ResponseSerializer},
        summary="记录一条审核意见(市县/省)/ Record a verdict on one criterion (reviewers)",
        parameters=[OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH)],
    )
    @action(detail=True, methods=["post"], url_path=f"{NUMBER}/review")
    def review(self, request, pk=None, number=None, format=None):
        assessment = self.get_object()
        response = self._response(assessment, number)
        v = validated(s.ReviewSerializer, request)
        saved = verdict_services.response_review(
            response=response,
            user=request.user,
            verdict=v["verdict"] or "",
            comment=v.get("comment", ""),
            **({"score": v["score"]} if "score" in v else {}),
        )
        saved.live_evidence = list(Evidence.objects.filter(response=saved, withdrawn_round__isnull=True))
        return Response(s.ResponseSerializer(saved).data)

    @extend_schema(
        request=s.VersionSerializer,
        responses={200: s.AssessmentSerializer},
        summary="推荐至省(市县)/ Recommend to the province (city/county)",
    )
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None, format=None):
        assessment = self.get_object()
        v = validated(s.VersionSerializer, request)
        return self._state(
            review_services.assessment_recommend(
                assessment=assessment, user=request.user, expected_version=v.get("version")
            )
        )

    @extend_schema(
        request=s.ReturnSerializer,
        responses={200: s.AssessmentSerializer},
        summary="退回修改(市县/省)/ Return for revision (reviewers)",
        description="必须给出理由;comments 为逐条意见 {条目编号: 意见}。/ A reason is required; comments "
        "maps criterion numbers to comments.",
    )
    @action(detail=True, methods=["post"], url_path="return")
    def return_(self, request, pk=None, format=None):
        assessment = self.get_object()
        v = validated(s.ReturnSerializer, request)
        return self._state(
            review_services.assessment_return(
                assessment=assessment,
                user=request.user,
                reason=v["reason"],
                comments=v.get("comments") or {},
                expected_version=v.get("version"),
            )
        )

    @extend_schema(
        request=s.ApproveSerializer,
        responses={200: s.AssessmentSerializer},
        summary="审核通过(省)/ Approve (province)",
        description="核定总分低于达标分数线时须给出 reason。/ Below the pass mark a reason is required.",
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None, format=None):
        assessment = self.get_object()
        v = validated(s.ApproveSerializer, request)
        return self._state(
            review_services.assessment_approve(
                assessment=assessment,
                user=request.user,
                reason=v.get("reason", ""),
                expected_version=v.get("version"),
            )
        )

    @extend_schema(
        request=s.ReasonSerializer,
        responses={200: s.AssessmentSerializer},
        summary="撤销认定(省)/ Revoke the approval (province)",
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None, format=None):
        assessment = self.get_object()
        v = validated(s.ReasonSerializer, request)
        return self._state(
            review_services.assessment_revoke(
                assessment=assessment,
                user=request.user,
                reason=v["reason"],
                expected_version=v.get("version"),
            )
        )

    @extend_schema(
        request=s.CitationSerializer,
        responses={200: s.DemonstrationSerializer},
        summary="命名示范社区(省)/ Designate a demonstration community (province)",
    )
    @action(detail=True, methods=["post"])
    def designate(self, request, pk=None, format=None):
        assessment = self.get_object()
        v = validated(s.CitationSerializer, request)
        demo = review_services.demonstration_designate(
            assessment=assessment, user=request.user, citation=v["citation"]
        )
        return Response(s.DemonstrationSerializer(demo).data)

    @extend_schema(
        request=None,
        responses={200: s.EventSerializer(many=True)},
        summary="审核历史 / History",
        description="只增不改的历史记录,按时间排序。/ The append-only history, oldest first.",
    )
    @action(detail=True, methods=["get"], filter_backends=[])
    def history(self, request, pk=None, format=None):
        assessment = self.get_object()
        qs = assessment_selectors.assessment_history(assessment=assessment)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.EventSerializer(page, many=True).data)


# --- Evidence files ---------------------------------------------------------------


class FileNegotiation(BaseContentNegotiation):
    """A download answers its file whatever the Accept header asks for (the file's type is what it
    is); an error is the JSON error, rendered by the view's one renderer."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


EVIDENCE_MEDIA_TYPES = sorted(set(CONTENT_TYPES.values()))


class EvidenceFileView(APIView):
    """GET: one evidence file, for a token like for a session, with the page's scope and headers."""

    renderer_classes = [JSONRenderer]
    content_negotiation_class = FileNegotiation

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "inline",
                OpenApiTypes.BOOL,
                description="true:图片和 PDF 在浏览器中打开(其余类型仍为下载)/ true: images and PDFs open "
                "inline (other types still download)",
            )
        ],
        responses={
            (200, media_type): OpenApiResponse(
                response=OpenApiTypes.BINARY, description="佐证文件 / The file"
            )
            for media_type in EVIDENCE_MEDIA_TYPES
        },
        summary="下载佐证文件 / Download an evidence file",
        description="与页面下载相同的范围和响应头(nosniff、sandbox、private 缓存),以流方式返回。/ The same scope "
        "and headers as the page's download (nosniff, sandbox, private caching), streamed.",
        tags=["assessments"],
    )
    def get(self, request, pk):
        inline = request.query_params.getlist("inline")
        if len(inline) > 1 or (inline and inline[0] not in ("true", "false")):
            raise ServiceError(_("Give true or false."), code="invalid", field="inline")
        evidence = assessment_selectors.access_evidence(user=request.user, pk=pk)
        return evidence_file_response(evidence, inline=inline == ["true"])


def _int(value) -> int:
    """A path part as a database id (the route already took ASCII digits only); anything else is
    not found."""
    value = str(value)
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)
