"""API views of the reference data and the registry: administrative divisions and standards (read
only), and the communities (provincial staff add, change and retire them through the services).
Every queryset goes through the scoped viewset base: another region's row answers 404."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.accounts.capabilities import can_manage_registry
from apps.communities import services as community_services
from apps.communities.models import Community
from apps.core.converters import CODE_REGEX, ID_REGEX
from apps.core.errors import ForbiddenError
from apps.core.viewsets import ScopedViewSet
from apps.regions.models import Region
from apps.standards import selectors as standard_selectors
from apps.standards.models import StandardVersion

from . import serializers as s
from .filters import CommunityFilter, RegionFilter, StandardFilter
from .validation import validated

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
        body = validated(s.CommunityWriteSerializer, request)
        community = community_services.community_save(
            user=request.user,
            code=body.get("code", ""),
            name=body["name"],
            street_code=body["street"],
            established_on=body.get("established_on"),
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
        body = validated(s.CommunityRetireSerializer, request)
        community = community_services.community_retire(
            user=request.user,
            community=community,
            kind=body["retirement"],
            effective_on=body["retired_on"],
            successor_code=body.get("successor", ""),
            successor_name=body.get("successor_name", ""),
            note=body.get("note", ""),
        )
        return Response(s.CommunitySerializer(self._reload(community)).data)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        community = self.get_object()
        body = validated(s.CommunityWriteSerializer, request, partial=partial)
        community = community_services.community_save(
            user=request.user,
            code=community.code,
            name=body.get("name", community.name),
            street_code=body.get("street", community.street_id),
            community=community,
        )
        return Response(s.CommunitySerializer(self._reload(community)).data)

    def _reload(self, community):
        return Community.objects.with_regions().get(pk=community.pk)
