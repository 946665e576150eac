"""Serializers: shapes only. Every rule lives in the services they hand over to."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.assessments.models import Assessment, AssessmentEvent, Evidence, Rating, Response, State, Verdict
from apps.communities.models import Community
from apps.regions.models import Region
from apps.review import workflow
from apps.standards.models import Category, Criterion, StandardVersion


class ErrorSerializer(serializers.Serializer):
    """Every error: a machine-readable code, a human message, and messages per field."""

    code = serializers.CharField(help_text=_("Machine-readable error code"))
    message = serializers.CharField(
        help_text=_("Message for people (Chinese, or English with Accept-Language: en)")
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), help_text=_("Messages per field")
    )


# --- Auth ---------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


# --- Regions and standards ----------------------------------------------------


class RegionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent", "province", "city", "county", "is_statistical_zone"]


class CriterionSerializer(serializers.ModelSerializer):
    """One criterion: its mapping onto the national criterion it counts under, points, and for a
    figure its unit, range and threshold (docs/figures.md, "Standards")."""

    national_number = serializers.IntegerField(
        source="national_criterion.number", read_only=True, allow_null=True, default=None
    )
    unit = serializers.SerializerMethodField()

    class Meta:
        model = Criterion
        fields = [
            "id",
            "number",
            "text_zh",
            "text_en",
            "kind",
            "unit",
            "figure_label_zh",
            "figure_label_en",
            "threshold",
            "points",
            "requires_evidence",
            "national_criterion",
            "national_number",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "properties": {
                "key": {"type": "string"},
                "symbol": {"type": "string"},
                "minimum": {"type": "string"},
                "maximum": {"type": "string"},
            },
        }
    )
    def get_unit(self, obj):
        unit = obj.unit
        if unit is None:
            return None
        return {
            "key": unit.key,
            "symbol": unit.symbol,
            "minimum": f"{unit.minimum:.2f}",
            "maximum": f"{unit.maximum:.2f}",
        }


class CategorySerializer(serializers.ModelSerializer):
    criteria = CriterionSerializer(many=True, read_only=True)

    class Meta:
        model = Category
        fields = ["id", "code", "order", "name_zh", "name_en", "criteria"]


class StandardSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(
        source="province.name", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = StandardVersion
        fields = [
            "id",
            "code",
            "title_zh",
            "title_en",
            "province",
            "province_name",
            "year",
            "version",
            "state",
            "issued",
            "published_at",
            "parent",
            "copied_from",
            "total_points",
            "pass_mark",
        ]


class StandardDetailSerializer(StandardSerializer):
    categories = CategorySerializer(many=True, read_only=True)

    class Meta(StandardSerializer.Meta):
        fields = [*StandardSerializer.Meta.fields, "categories"]


# --- Communities -------------------------------------------------------------


class CommunitySerializer(serializers.ModelSerializer):
    street_name = serializers.CharField(source="street.name", read_only=True)
    county_name = serializers.CharField(source="county.name", read_only=True)
    city_name = serializers.CharField(source="city.name", read_only=True, allow_null=True, default=None)
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Community
        fields = [
            "code",
            "name",
            "street",
            "street_name",
            "county",
            "county_name",
            "city",
            "city_name",
            "province",
            "province_name",
            "updated_at",
        ]
        read_only_fields = fields


class CommunityWriteSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=12, required=False, help_text=_("12-digit statistical code (creation only)")
    )
    name = serializers.CharField(max_length=100)
    street = serializers.CharField(max_length=12, help_text=_("Street (township) code, 9 or 12 digits"))


# --- Assessments ---------------------------------------------------------------


class AssessmentSerializer(serializers.ModelSerializer):
    community_name = serializers.CharField(source="community.name", read_only=True)
    state_label = serializers.SerializerMethodField(
        help_text="状态(审核中时为所在层级)/ The state; while in review, the level it waits at"
    )
    review_level = serializers.SerializerMethodField(
        help_text="所在审核层级(不在审核中为 null)/ The review level it waits at (null when not in review)"
    )
    review_chain = serializers.SerializerMethodField(
        help_text="提交时所依据的审核链,自下而上 / The review chain it was submitted under, bottom up"
    )
    actions = serializers.SerializerMethodField(
        help_text="当前用户现在可执行的审核操作 / The review decisions the caller may take now"
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "community",
            "community_name",
            "year",
            "standard",
            "state",
            "state_label",
            "review_level",
            "review_chain",
            "actions",
            "version",
            "round",
            "province",
            "city",
            "county",
            "street",
            "answered_count",
            "evidenced_count",
            "not_met_count",
            "created_at",
            "updated_at",
            "submitted_at",
            "recommended_at",
            "returned_at",
            "approved_at",
            "revoked_at",
        ]
        read_only_fields = fields

    def get_state_label(self, obj) -> str:
        return workflow.status_label(obj)

    @extend_schema_field({"type": "string", "enum": list(workflow.LEVEL_KEYS), "nullable": True})
    def get_review_level(self, obj):
        return obj.review_level or None

    @extend_schema_field({"type": "array", "items": {"type": "string", "enum": list(workflow.LEVEL_KEYS)}})
    def get_review_chain(self, obj) -> list[str]:
        return list(workflow.chain_from_text(obj.review_chain)) if obj.review_chain else []

    @extend_schema_field(
        {
            "type": "array",
            "items": {"type": "string", "enum": ["recommend", "return", "approve", "revoke", "designate"]},
        }
    )
    def get_actions(self, obj) -> list[str]:
        request = self.context.get("request")
        return workflow.available_actions(request.user, obj) if request is not None else []


class EvidenceSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()
    is_locked = serializers.BooleanField(read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "original_name",
            "caption",
            "kind",
            "size",
            "sha256",
            "uploaded_at",
            "submitted_round",
            "is_locked",
            "download_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, obj) -> str:
        return reverse("assessments:evidence", args=[obj.pk])


class ResponseSerializer(serializers.ModelSerializer):
    criterion_number = serializers.IntegerField(source="criterion.number", read_only=True)
    evidence = serializers.SerializerMethodField()

    class Meta:
        model = Response
        fields = [
            "id",
            "criterion",
            "criterion_number",
            "rating",
            "statement",
            "figure",
            "version",
            "updated_at",
            "verdict",
            "review_comment",
            "reviewed_at",
            "evidence",
        ]
        read_only_fields = fields

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj):
        items = getattr(obj, "live_evidence", None)
        if items is None:
            items = obj.evidence.filter(withdrawn_round__isnull=True)
        return EvidenceSerializer(items, many=True).data


class AssessmentDetailSerializer(AssessmentSerializer):
    responses = serializers.SerializerMethodField()

    class Meta(AssessmentSerializer.Meta):
        fields = [*AssessmentSerializer.Meta.fields, "return_reason", "revoke_reason", "responses"]
        read_only_fields = fields

    @extend_schema_field(ResponseSerializer(many=True))
    def get_responses(self, obj):
        return ResponseSerializer(self.context.get("responses", []), many=True).data


class AssessmentCreateSerializer(serializers.Serializer):
    community = serializers.CharField(max_length=12, help_text=_("Community code"))
    year = serializers.IntegerField(min_value=2020, max_value=2100)


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        help_text=_("The version you read; a stale one is refused with 409"),
    )


class ResponseWriteSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=[("", "—"), *Rating.choices], allow_blank=True, required=False)
    statement = serializers.CharField(allow_blank=True, required=False, max_length=5000)
    figure = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        help_text=_("The response version you read; a stale one is refused with 409"),
    )


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)


class ReviewSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=[("", "—"), *Verdict.choices], allow_blank=True)
    comment = serializers.CharField(allow_blank=True, required=False, max_length=5000)


class ReturnSerializer(VersionSerializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)
    comments = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=5000),
        required=False,
        help_text=_("Comments per criterion: criterion number -> text"),
    )

    def validate_comments(self, value):
        out = {}
        for key, text in value.items():
            if not str(key).isdigit() or not 1 <= int(key) <= 99:
                raise serializers.ValidationError(_("Keys must be criterion numbers."))
            out[int(key)] = text
        return out


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class CitationSerializer(serializers.Serializer):
    citation = serializers.CharField(max_length=300, allow_blank=True)


class DemonstrationSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment_id")
    year = serializers.IntegerField()
    citation = serializers.CharField()
    designated_at = serializers.DateTimeField()


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AssessmentEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_role",
            "action",
            "from_state",
            "to_state",
            "reason",
            "data",
            "hash",
        ]
        read_only_fields = fields


STATE_CHOICES = State.choices
