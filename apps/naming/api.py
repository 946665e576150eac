"""REST API of the naming (/api/v1/naming/): batches (list, detail with its communities, create,
publish, name), objections (staff: list, create, resolve) in the caller's scope through the scoped
view bases; the public batch list and the public objection endpoint without an account (throttled
per address, capped per batch and day). The objector's contact appears only in answers to the
staff of the batch's province."""

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_read_naming, is_nationwide, is_province_staff
from apps.api.fields import LineField, TextField, VersionField
from apps.api.parsers import BoundedJSONParser
from apps.core.viewsets import ScopedListView, ScopedRetrieveView

from . import naming_act, objections, selectors, services
from .models import Batch, Objection
from .procedure import ObjectionSource, Outcome
from .throttling import objection_refusal

# --- Serializers --------------------------------------------------------------------------------


class BatchSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)
    communities = serializers.IntegerField(source="n_entries", read_only=True, default=None)

    class Meta:
        model = Batch
        fields = [
            "id",
            "province",
            "province_name",
            "year",
            "number",
            "title",
            "state",
            "notice_start",
            "notice_end",
            "document_number",
            "document_date",
            "version",
            "communities",
        ]
        read_only_fields = fields


class EntrySerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment_id")
    code = serializers.CharField()
    name = serializers.CharField()
    city = serializers.CharField()
    county = serializers.CharField()
    street = serializers.CharField()
    confirmed_total = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    state = serializers.CharField()
    note = serializers.CharField()


class BatchDetailSerializer(BatchSerializer):
    entries = serializers.SerializerMethodField()

    class Meta(BatchSerializer.Meta):
        fields = [*BatchSerializer.Meta.fields, "entries"]
        read_only_fields = fields

    def get_entries(self, batch) -> list[dict]:
        return EntrySerializer(selectors.batch_rows(batch), many=True).data


class BatchCreateSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    title = LineField(max_length=200, required=False, allow_blank=True)
    notice_start = serializers.DateField()
    assessments = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=20000)


class BatchVersionSerializer(serializers.Serializer):
    version = VersionField()


class NameSerializer(serializers.Serializer):
    document_number = LineField(max_length=60)
    document_date = serializers.DateField()
    version = VersionField()


class ObjectionSerializer(serializers.ModelSerializer):
    community = serializers.CharField(source="entry.assessment.community.name", read_only=True)
    assessment = serializers.IntegerField(source="entry.assessment_id", read_only=True)
    criterion = serializers.IntegerField(source="criterion.number", read_only=True, default=None)
    objector_name = serializers.SerializerMethodField()
    objector_phone = serializers.SerializerMethodField()

    class Meta:
        model = Objection
        fields = [
            "id",
            "batch",
            "assessment",
            "community",
            "criterion",
            "text",
            "source",
            "received_at",
            "outcome",
            "outcome_reason",
            "to_level",
            "resolved_at",
            "objector_name",
            "objector_phone",
        ]
        read_only_fields = fields

    def _staff(self, objection) -> bool:
        user = self.context["request"].user
        return is_province_staff(user, objection.batch.province_id)

    def get_objector_name(self, objection) -> str | None:
        """Only for the staff of the batch's province (null for everyone else)."""
        return objection.objector_name if self._staff(objection) else None

    def get_objector_phone(self, objection) -> str | None:
        return objection.objector_phone if self._staff(objection) else None


class ObjectionCreateSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(min_value=1)
    criterion = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    text = TextField(max_length=5000)
    name = LineField(max_length=60)
    phone = LineField(max_length=30)


class StaffObjectionCreateSerializer(ObjectionCreateSerializer):
    source = serializers.ChoiceField(
        choices=[c for c in ObjectionSource.values if c != ObjectionSource.PUBLIC]
    )


class ResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Outcome.DISMISSED, Outcome.UPHELD])
    reason = TextField(max_length=2000)
    to_level = serializers.CharField(max_length=10, required=False, allow_blank=True)


class PublicBatchSerializer(BatchSerializer):
    class Meta(BatchSerializer.Meta):
        fields = [f for f in BatchSerializer.Meta.fields if f not in ("version", "province")]
        read_only_fields = fields


# --- Views ----------------------------------------------------------------------------------------


class BatchList(ScopedListView):
    """GET: the batches in the caller's scope (?year=); POST: a draft batch (provincial department)."""

    scope_model = Batch
    serializer_class = BatchSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        if getattr(self, "swagger_fake_view", False):
            return queryset
        if not can_read_naming(self.request.user):
            raise PermissionDenied
        year = self.request.query_params.get("year")
        qs = selectors.batches_for(user=self.request.user)
        if year and year.isdigit():
            qs = qs.filter(year=int(year))
        return qs.filter(pk__in=queryset.values("pk"))

    @extend_schema(
        request=BatchCreateSerializer,
        responses={201: BatchDetailSerializer},
        summary="新建批次 / Create a batch",
    )
    def post(self, request):
        data = BatchCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        if not is_province_staff(request.user):
            raise PermissionDenied
        batch = services.batch_create(
            user=request.user,
            province_id=request.user.region_id,
            year=v["year"],
            title=v.get("title", ""),
            notice_start=v["notice_start"],
            assessment_ids=v["assessments"],
        )
        return Response(BatchDetailSerializer(batch).data, status=status.HTTP_201_CREATED)


class BatchDetail(ScopedRetrieveView):
    """A batch with its communities, by city and district."""

    scope_model = Batch
    serializer_class = BatchDetailSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        return queryset.select_related("province")


def _batch_for(request, pk) -> Batch:
    batch = Batch.objects.visible_to(request.user).select_related("province").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


class _Action(ScopedRetrieveView):
    """A POST that acts on one object in the caller's scope (another region's: 404)."""

    permission_classes = [IsAuthenticated]
    http_method_names = ["post", "options"]


class BatchPublish(_Action):
    scope_model = Batch
    serializer_class = BatchSerializer

    @extend_schema(
        request=BatchVersionSerializer,
        responses={200: BatchSerializer},
        summary="发布公示 / Publish for public notice",
    )
    def post(self, request, pk):
        batch = self.get_object()
        data = BatchVersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.batch_publish(
            user=request.user, batch=batch, expected_version=data.validated_data.get("version")
        )
        return Response(BatchSerializer(batch).data)


class BatchName(_Action):
    scope_model = Batch
    serializer_class = BatchSerializer

    @extend_schema(request=NameSerializer, responses={200: BatchSerializer}, summary="命名 / Name the batch")
    def post(self, request, pk):
        batch = self.get_object()
        data = NameSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        batch = naming_act.batch_name(
            user=request.user,
            batch=batch,
            document_number=v["document_number"],
            document_date=v["document_date"],
            expected_version=v.get("version"),
        )
        return Response(BatchSerializer(batch).data)


def _objection_input(request, v: dict) -> dict:
    """The arguments of objections.objection_submit from a valid ObjectionCreateSerializer's data
    and the request's uploads."""
    return {
        "assessment_id": v["assessment"],
        "criterion_number": v.get("criterion"),
        "text": v["text"],
        "name": v["name"],
        "phone": v["phone"],
        "uploads": request.FILES.getlist("files"),
    }


class BatchObjections(ScopedListView):
    """GET: the objections of a batch in scope; POST: an objection received by letter, phone or
    e-mail, entered by the province's staff."""

    scope_model = Objection
    serializer_class = ObjectionSerializer
    permission_classes = [IsAuthenticated]

    def safely_get_queryset(self, queryset):
        if getattr(self, "swagger_fake_view", False):
            return queryset
        batch = _batch_for(self.request, self.kwargs["pk"])
        return (
            queryset.filter(batch=batch)
            .select_related("batch", "criterion", "entry__assessment__community")
            .order_by("received_at", "id")
        )

    @extend_schema(
        request=StaffObjectionCreateSerializer,
        responses={201: ObjectionSerializer},
        summary="录入异议 / Enter an objection",
    )
    def post(self, request, pk):
        batch = _batch_for(request, pk)
        data = StaffObjectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = objections.objection_submit(
            batch=batch,
            **_objection_input(request, data.validated_data),
            source=data.validated_data["source"],
            user=request.user,
        )
        return Response(
            ObjectionSerializer(objection, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class ObjectionResolve(_Action):
    scope_model = Objection
    serializer_class = ObjectionSerializer

    @extend_schema(
        request=ResolveSerializer,
        responses={200: ObjectionSerializer},
        summary="处理异议 / Resolve an objection",
    )
    def post(self, request, pk):
        objection = self.get_object()
        data = ResolveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        objection = objections.objection_resolve(
            user=request.user, objection=objection, **data.validated_data
        )
        return Response(ObjectionSerializer(objection, context={"request": request}).data)


class PublicBatchList(ScopedListView):
    """Published and named batches of every province, open ones first (no account needed)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = PublicBatchSerializer

    def dangerously_get_queryset(self):
        # Public by design: only batches that were published (never a draft), public facts only.
        return selectors.public_batches()


class PublicObjection(ScopedListView):
    """An objection from the public to a community of a batch in public notice: throttled per
    address and capped per batch and day (429); refused after the notice with its closing date."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = ObjectionCreateSerializer
    parser_classes = [BoundedJSONParser, MultiPartParser]
    http_method_names = ["post", "options"]

    def dangerously_get_queryset(self):
        return selectors.public_batches()

    @extend_schema(
        request=ObjectionCreateSerializer, responses={201: None}, summary="提出异议(公众)/ Object (public)"
    )
    def post(self, request, pk):
        batch = selectors.public_batch(pk)
        if batch is None:
            raise Http404
        data = ObjectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        refusal = objection_refusal(request, batch)
        if refusal:
            raise Throttled(detail=refusal)
        objections.objection_submit(batch=batch, **_objection_input(request, data.validated_data))
        # Nothing of the objection is answered back (no id to probe, no contact).
        return Response({"received": True}, status=status.HTTP_201_CREATED)


class StagesSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    province = serializers.CharField(allow_null=True)
    proposed = serializers.IntegerField()
    in_notice = serializers.IntegerField()
    held = serializers.IntegerField()
    named = serializers.IntegerField()


class NamingStages(APIView):
    """The year's proposed, in-公示, held and named counts (docs/figures.md, "The naming after
    review"): a provincial department's own unit; nationwide users the nation or ?province=."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: StagesSerializer},
        summary="命名进度 / Proposed, in public notice, held and named",
        parameters=[
            OpenApiParameter("province", str, description="Provincial unit: 12-digit code (nationwide users)")
        ],
    )
    def get(self, request, year):
        user = request.user
        if is_province_staff(user):
            province = user.region_id
        elif is_nationwide(user):
            province = request.query_params.get("province") or None
            if province is not None and not (
                province.isascii() and province.isdigit() and len(province) == 12
            ):
                raise Http404
        else:
            raise PermissionDenied
        counts = selectors.naming_counts(year=year, province_id=province)
        return Response(StagesSerializer({"year": year, "province": province, **counts}).data)
