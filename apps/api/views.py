"""API views: thin. Reads go through the scoped querysets and selectors (another region's object
answers 404), writes through the domain services, whose ServiceError becomes the JSON error."""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts import twofactor
from apps.accounts.capabilities import can_manage_registry
from apps.assessments import selectors as assessment_selectors
from apps.assessments import services as assessment_services
from apps.assessments.evidence_views import evidence_file_response
from apps.assessments.files import CONTENT_TYPES
from apps.assessments.models import Assessment, Evidence
from apps.communities import services as community_services
from apps.communities.models import Community
from apps.core.campaign import campaign_calendar
from apps.core.converters import CODE_REGEX, ID_REGEX, NUMBER_REGEX
from apps.core.errors import ForbiddenError, ServiceError
from apps.core.viewsets import ScopedViewSet
from apps.regions.models import Region
from apps.review import services as review_services
from apps.review import submit_services, verdict_services
from apps.standards import selectors as standard_selectors
from apps.standards.models import StandardVersion

from . import selectors as token_selectors
from . import serializers as s
from . import services as token_services
from .filters import AssessmentFilter, CommunityFilter, RegionFilter, StandardFilter
from .models import ApiToken
from .throttles import TokenThrottle

# --- Auth ---------------------------------------------------------------------


class TokenView(APIView):
    """POST: exchange a username and password for a new API token, valid API_TOKEN_DAYS days (the key
    is shown once). DELETE: revoke the token of this request (with a session: all your tokens)."""

    def get_throttles(self):
        # Sign-ins are throttled per address; revoking one's token never shares their count (a
        # client locked out by guesses at its address can still revoke a leaked token).
        return [TokenThrottle()] if self.request.method == "POST" else []

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "POST" else [IsAuthenticated()]

    def get_authenticators(self):
        # Obtaining a token needs no authentication (and no CSRF token of a browser session).
        if getattr(self, "request", None) is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=s.TokenRequestSerializer,
        responses={200: s.TokenSerializer},
        auth=[],
        summary="获取令牌 / Obtain a token",
        description="用户名和密码换取新的 API 令牌(有效期见 expires,只显示一次)。/ Exchange a username "
        "and password for a new API token (valid until `expires`; the key is shown only once).",
    )
    def post(self, request):
        data = s.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None or not user.is_active:
            raise ServiceError(_("Wrong username or password."), code="invalid_credentials")
        if user.must_change_password:
            # A one-time password (bulk creation, a reset) opens the portal's change page only.
            raise ServiceError(
                _("Sign in on the portal and choose your own password first; then ask for a token."),
                code="password_change_required",
            )
        two_factor = twofactor.required_for(user)
        if two_factor:
            if not twofactor.is_enrolled(user):
                raise ServiceError(
                    _("Set up two-factor sign-in on the portal first, then send its code as otp."),
                    code="two_factor_not_set_up",
                )
            if not twofactor.verify_code(user, data.validated_data.get("otp", "")):
                raise ServiceError(
                    _("This account needs its two-factor code: send it as otp."),
                    code="otp_required",
                    field="otp",
                )
        token, key = token_services.issue_token(
            user=user, name=data.validated_data.get("name", ""), two_factor=two_factor
        )
        return Response({"token": key, "expires": token.expires})

    @extend_schema(
        request=None,
        responses={204: None},
        summary="吊销当前令牌 / Revoke this token",
        description="吊销本次请求所用的令牌(会话登录时吊销自己的全部令牌)。/ Revoke the token of this "
        "request (with a session: all of your tokens).",
    )
    def delete(self, request):
        if isinstance(request.auth, ApiToken):
            token_services.revoke_token(user=request.user, pk=request.auth.pk)
        else:
            token_services.revoke_all_tokens(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListView(APIView):
    """GET: your own tokens (never their keys)."""

    @extend_schema(
        responses={200: s.ApiTokenSerializer(many=True)},
        summary="我的令牌 / Your tokens",
        description="当前用户的全部令牌(不含密钥)。/ The calling user's tokens (without their keys).",
    )
    def get(self, request):
        rows = token_selectors.tokens_of(request.user)
        return Response(s.ApiTokenSerializer(rows, many=True, context={"request": request}).data)


class TokenDetailView(APIView):
    """DELETE: revoke one of your own tokens (another user's answers 404)."""

    @extend_schema(
        request=None,
        responses={204: None},
        summary="吊销一个令牌 / Revoke one token",
        description="吊销自己的一个令牌;他人的令牌返回 404。/ Revoke one of your tokens; another "
        "user's answers 404.",
    )
    def delete(self, request, pk):
        token_services.revoke_token(user=request.user, pk=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Regions and standards ----------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="行政区划 / Administrative divisions",
        description="辖区内的行政区划,可按级别和上级筛选;排序字段:code、name。/ Divisions in your scope, "
        "filter by level and parent; ordering: code, name.",
    ),
    retrieve=extend_schema(summary="一个行政区划 / One division"),
)
class RegionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = s.RegionSerializer
    filterset_class = RegionFilter
    ordering_fields = ["code", "name"]
    ordering = ["code"]
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    scope_model = Region


@extend_schema_view(
    list=extend_schema(
        summary="创建标准 / Standards",
        description="国家试行标准及本地标准(各省按年度制订,草稿或已发布);可按 province、year、state、"
        "national 筛选;排序字段:issued、code、year、version。/ The national trial standard and the "
        "provinces' local standards (per campaign year, draft or published); filter by province, year, "
        "state, national; ordering: issued, code, year, version.",
    ),
    retrieve=extend_schema(
        summary="标准详情(类别、条目、对应关系、分值、达标值、合格线)/ A standard with its categories and "
        "criteria: mapping onto the national criteria, points, thresholds and units, pass mark",
    ),
)
class StandardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Standards the caller may read (StandardVersion.objects.visible_to): the national one for
    everyone; a province's published local standards for its users; drafts for its department;
    every one for the ministry. Another province's local standard answers 404."""

    filterset_class = StandardFilter
    ordering_fields = ["issued", "code", "year", "version"]
    ordering = ["issued", "code"]
    filterset_class = StandardFilter
    lookup_value_regex = ID_REGEX
    scope_model = StandardVersion

    def safely_get_queryset(self, qs):
        qs = qs.select_related("province")
        if self.action == "retrieve":
            qs = standard_selectors.with_structure(qs)
        return qs

    def get_serializer_class(self):
        return s.StandardDetailSerializer if self.action == "retrieve" else s.StandardSerializer


# --- Communities -------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="城市社区名录 / Community registry",
        description="辖区内的社区;排序字段:code、name、updated_at。/ Communities in your scope; "
        "ordering: code, name, updated_at.",
    ),
    retrieve=extend_schema(summary="一个社区 / One community"),
    create=extend_schema(
        request=s.CommunityWriteSerializer,
        responses={201: s.CommunitySerializer},
        summary="新增社区(省级部门)/ Add a community (provincial staff)",
    ),
    update=extend_schema(
        request=s.CommunityWriteSerializer,
        responses={200: s.CommunitySerializer},
        summary="修改社区(省级部门)/ Change a community (provincial staff)",
    ),
    partial_update=extend_schema(
        request=s.CommunityWriteSerializer(partial=True),
        responses={200: s.CommunitySerializer},
        summary="部分修改社区 / Change some fields of a community",
    ),
)
class CommunityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    ScopedViewSet,
):
    serializer_class = s.CommunitySerializer
    filterset_class = CommunityFilter
    ordering_fields = ["code", "name", "updated_at"]
    ordering = ["code"]
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX
    scope_model = Community

    def safely_get_queryset(self, queryset):
        return queryset.with_regions()

    def create(self, request, *args, **kwargs):
        data = s.CommunityWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        community = community_services.community_save(
            user=request.user,
            code=data.validated_data.get("code", ""),
            name=data.validated_data["name"],
            street_code=data.validated_data["street"],
            established_on=data.validated_data.get("established_on"),
        )
        return Response(s.CommunitySerializer(self._reload(community)).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.CommunityRetireSerializer,
        responses={200: s.CommunitySerializer},
        summary="撤销社区(合并、撤销、更名)/ Retire a community (merged, abolished, renamed)",
    )
    @action(detail=True, methods=["post"], url_path="retire")
    def retire(self, request, code=None, **kwargs):
        community = self.get_object()
        # Who may retire it is answered before what was sent is checked (403 before any 400).
        if not can_manage_registry(request.user, community.province_id):
            raise ForbiddenError(_("Only provincial staff can change the community registry."))
        data = s.CommunityRetireSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        community = community_services.community_retire(
            user=request.user,
            community=community,
            kind=data.validated_data["retirement"],
            effective_on=data.validated_data["retired_on"],
            successor_code=data.validated_data.get("successor", ""),
            successor_name=data.validated_data.get("successor_name", ""),
            note=data.validated_data.get("note", ""),
        )
        return Response(s.CommunitySerializer(self._reload(community)).data)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        community = self.get_object()
        data = s.CommunityWriteSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        community = community_services.community_save(
            user=request.user,
            code=community.code,
            name=data.validated_data.get("name", community.name),
            street_code=data.validated_data.get("street", community.street_id),
            community=community,
        )
        return Response(s.CommunitySerializer(self._reload(community)).data)

    def _reload(self, community):
        return Community.objects.with_regions().get(pk=community.pk)


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
        data = s.AssessmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        community = get_object_or_404(
            Community.objects.visible_to(request.user), pk=data.validated_data["community"]
        )
        year = data.validated_data["year"]
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
        data = s.ResponseWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
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
        data = s.EvidenceUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        evidence = assessment_services.evidence_add(
            response=response,
            user=request.user,
            uploaded_file=data.validated_data["file"],
            caption=data.validated_data.get("caption", ""),
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
        v = self._valid(s.VersionSerializer)
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
        v = self._valid(s.ReviewSerializer)
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
        v = self._valid(s.VersionSerializer)
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
        v = self._valid(s.ReturnSerializer)
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
        v = self._valid(s.ApproveSerializer)
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
        v = self._valid(s.ReasonSerializer)
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
        v = self._valid(s.CitationSerializer)
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

    def _valid(self, serializer_class):
        data = serializer_class(data=request_data(self.request))
        data.is_valid(raise_exception=True)
        return data.validated_data


# --- Evidence files and the campaign calendar ---------------------------------------


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


def _int(value) -> int:
    """A path part as a database id (the route already took ASCII digits only); anything else is
    not found."""
    value = str(value)
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        raise Http404
    return int(value)


def request_data(request):
    # An action may be posted without a body; that is an empty object.
    return request.data if request.data is not None else {}


@csrf_exempt  # it changes nothing; without this a POST would get Django's HTML 403 page
def api_not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like every API error, never Django's HTML page."""
    from django.http import JsonResponse

    from .exceptions import error_body

    return JsonResponse(error_body("not_found", _("Not found.")), status=404)
