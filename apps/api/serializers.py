"""Serializers: shapes only. Every rule lives in the services they hand over to."""

from django.core.validators import RegexValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from apps.assessments.models import Assessment, AssessmentEvent, Evidence, Rating, Response, State, Verdict
from apps.communities.models import Community, Retirement
from apps.regions.models import Region
from apps.review import workflow
from apps.standards.models import Category, Criterion, StandardVersion

from .fields import (
    BlankAsNullChoiceField,
    CampaignYearField,
    CodeField,
    LineField,
    PercentField,
    StrictCharField,
    TextField,
    VersionField,
)

# A password is any text without NUL (Django's hashers take anything else).
PASSWORD_PATTERN = r"^[^\x00]+$"  # noqa: S105  (a pattern, not a password)


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
    username = LineField(max_length=150, label=_("Username"))
    password = StrictCharField(
        max_length=128,
        style={"input_type": "password"},
        trim_whitespace=False,
        validators=[RegexValidator(PASSWORD_PATTERN.replace("$", r"\Z"))],
    )
    name = LineField(max_length=100, required=False, label=_("Token name"))
    otp = LineField(max_length=16, required=False, label=_("Two-factor code"))


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField()


class ApiTokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created = serializers.DateTimeField()
    expires = serializers.DateTimeField()
    last_used = serializers.DateTimeField(allow_null=True)
    expired = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField()

    def get_expired(self, obj) -> bool:
        return obj.expires <= timezone.now()

    def get_current(self, obj) -> bool:
        request = self.context.get("request")
        return bool(request is not None and getattr(request.auth, "pk", None) == obj.pk)


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
    retirement = serializers.SerializerMethodField(
        help_text="退出名录的方式(仍在名录中为 null)/ How the community left the registry (null while in it)"
    )

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
            "established_on",
            "retired_on",
            "retirement",
            "successor",
            "retirement_note",
            "updated_at",
        ]
        read_only_fields = fields

    # Strict OpenAPI 3.0.3 validators: a nullable enum lists null among its values (drf-spectacular
    # then writes oneOf [the enum, NullEnum]).
    @extend_schema_field({"type": "string", "enum": [*Retirement.values, None], "nullable": True})
    def get_retirement(self, obj):
        return obj.retirement or None


class CommunityUpdateSerializer(serializers.Serializer):
    """A rename or a move: the code of a community never changes."""

    name = LineField(max_length=100, label=_("Name"))
    street = CodeField(lengths=(9, 12), help_text=_("Street (township) code, 9 or 12 digits"))


class CommunityWriteSerializer(CommunityUpdateSerializer):
    code = CodeField(help_text=_("12-digit statistical code; its first 9 digits are the street's"))
    established_on = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("In the registry from (creation only; empty: before 2020)"),
    )


class CommunityRetireSerializer(serializers.Serializer):
    retirement = serializers.ChoiceField(choices=Retirement.choices, help_text=_("Retirement"))
    retired_on = serializers.DateField(help_text=_("The first day on which the community no longer exists"))
    successor = serializers.CharField(
        max_length=12,
        required=False,
        allow_blank=True,
        help_text=_("The community it was merged into, or its new code after renaming"),
    )
    successor_name = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        help_text=_("Name under the new code (renamed, when the new code is not in the registry yet)"),
    )
    note = serializers.CharField(max_length=200, required=False, allow_blank=True)


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
    self_total = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="自评总分(标准无分值时为 null)/ The community's total self-score (null: the standard has no points)",
    )
    confirmed_total = serializers.DecimalField(
        max_digits=7,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="最后一级审核核定的总分(尚未核定为 null)/ The total confirmed by the last review level (null: none yet)",
    )
    pass_mark = serializers.DecimalField(
        source="standard.pass_mark",
        max_digits=6,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="所依据标准的达标分数线(无分值为 null)/ The pass mark of its standard (null: no points)",
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
            "self_total",
            "confirmed_total",
            "pass_mark",
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

    @extend_schema_field({"type": "string", "enum": [*workflow.LEVEL_KEYS, None], "nullable": True})
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

    @extend_schema_field(
        serializers.CharField(help_text=_("The file through the API (token or session): GET it"))
    )
    def get_download_url(self, obj) -> str:
        return reverse("api:evidence-file", args=[obj.pk])


# Named "Answer" in the schema: a component called "Response" collides with the Response type of
# generated clients (openapi-python-client's own response wrapper).
@extend_schema_serializer(component_name="Answer")
class ResponseSerializer(serializers.ModelSerializer):
    criterion_number = serializers.IntegerField(source="criterion.number", read_only=True)
    rating = BlankAsNullChoiceField(
        choices=Rating.choices, help_text=_("Self-rating; null: not answered yet")
    )
    verdict = BlankAsNullChoiceField(choices=Verdict.choices, help_text=_("Verdict; null: not reviewed yet"))
    evidence = serializers.SerializerMethodField()
    points = serializers.DecimalField(
        source="criterion.points",
        max_digits=6,
        decimal_places=2,
        read_only=True,
        allow_null=True,
        help_text="该项分值(标准无分值为 null)/ The criterion's points (null: the standard has no points)",
    )

    class Meta:
        model = Response
        fields = [
            "id",
            "criterion",
            "criterion_number",
            "rating",
            "statement",
            "figure",
            "points",
            "self_score",
            "confirmed_score",
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
    community = CodeField(help_text=_("Community code"))
    year = CampaignYearField()


class VersionSerializer(serializers.Serializer):
    version = VersionField(help_text=_("The version you read; a stale one is refused with 409"))


class ResponseWriteSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(
        choices=[("", "—"), *Rating.choices],
        allow_blank=True,
        allow_null=True,
        required=False,
        help_text=_('Self-rating; null, "" or leaving it out clears it'),
    )
    statement = TextField(allow_blank=True, required=False, max_length=5000, label=_("What was done"))
    figure = PercentField(required=False, allow_null=True, help_text=_('Percent, as a string: "45.5"'))
    self_score = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=12,
        help_text=_(
            'Scored standards: the self-score, 0 to the criterion\'s points, as a string ("4.5"); null or "" clears it, leaving it out keeps it'
        ),
    )
    version = VersionField(help_text=_("The response version you read; a stale one is refused with 409"))


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    caption = LineField(max_length=200, required=False, allow_blank=True, label=_("Caption"))


class ReviewSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(
        choices=[("", "—"), *Verdict.choices],
        allow_blank=True,
        allow_null=True,
        help_text=_('Verdict; null or "" clears it'),
    )
    comment = TextField(allow_blank=True, required=False, max_length=5000, label=_("Reviewer's comment"))
    score = serializers.CharField(
        required=False,
        allow_null=True,
        allow_blank=True,
        max_length=12,
        help_text=_(
            'Scored standards: the confirmed score, 0 to the criterion\'s points ("4.5"); a score other than the self-score needs a comment; leaving it out keeps it'
        ),
    )


class ApproveSerializer(VersionSerializer):
    reason = TextField(
        allow_blank=True,
        required=False,
        max_length=5000,
        label=_("Reason for approving below the pass mark"),
    )


class ReturnSerializer(VersionSerializer):
    reason = TextField(max_length=5000, label=_("Reason for return"))
    comments = serializers.DictField(
        child=TextField(allow_blank=True, max_length=5000, label=_("Reviewer's comment")),
        required=False,
        help_text=_(
            "Comments per criterion: criterion number -> text; a key that is no criterion of the "
            "assessment is refused (unknown_criterion)"
        ),
    )


class ReasonSerializer(VersionSerializer):
    reason = TextField(max_length=5000, label=_("Reason for revocation"))


class CitationSerializer(serializers.Serializer):
    citation = TextField(max_length=300, label=_("Citation"))


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


class CampaignSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("The campaign year"))
    first_year = serializers.IntegerField(help_text=_("The first campaign year (2020)"))
    years = serializers.ListField(child=serializers.IntegerField(), help_text=_("Every campaign year"))
    today = serializers.DateField(help_text=_("Today in Asia/Shanghai"))
    time_zone = serializers.CharField(help_text=_("The time zone of every deadline"))
    report_deadline = serializers.DateField(
        help_text=_("The annual report of the campaign year is due on this day (30 November)")
    )
    report_days_left = serializers.IntegerField(help_text=_("Days to the deadline; negative once it passed"))
    report_deadline_passed = serializers.BooleanField()
    national_target_share = serializers.FloatField(help_text=_("National target: share of urban communities"))
    national_target_year = serializers.IntegerField(help_text=_("The year of the national target"))
