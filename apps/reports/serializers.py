"""Serializers of the reports API (/api/v1/reports/): annual reports, their narrative and
submission, compile jobs, and, for the OpenAPI schema, the shape of the stored figures."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    PolymorphicProxySerializer,
    extend_schema_field,
)
from rest_framework import serializers

from apps.api.fields import CampaignYearField, CodeField, TextField, VersionField

from .models import NARRATIVE_FIELDS, AnnualReport, CompileJob, JobKind, JobOutcome

# Per narrative section, through the API (the JSON body is bounded at 1 MB as a whole).
NARRATIVE_MAX = 20000


class AnnualReportListSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = AnnualReport
        fields = [
            "id",
            "province",
            "province_name",
            "year",
            "state",
            "compiled_at",
            "submitted_at",
            "is_late",
            "version",
        ]


# --- The figures of a report (compute.units_figures_compute; docs/figures.md) -----------------
# For the schema only: the stored dict is returned as it is (ReportFiguresField). Every key may be
# missing from a report never compiled ({}), so none is required.


class FiguresUnitSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="省级单位代码 / Unit code")
    name = serializers.CharField()


class FiguresTotalsSerializer(serializers.Serializer):
    registered = serializers.IntegerField(help_text="名录中的社区 / Communities in the registry that year")
    participating = serializers.IntegerField(help_text="参与创建(自评已提交)/ Participating")
    submitted = serializers.IntegerField()
    approved = serializers.IntegerField(help_text="审核通过且未撤销 / Approved and not revoked since")
    revoked = serializers.IntegerField()
    returned = serializers.IntegerField()
    meeting = serializers.IntegerField(help_text="累计达到创建要求 / Meeting the requirements (cumulative)")
    late = serializers.IntegerField(help_text="逾期提交 / First submitted after 31 October")
    waiting = serializers.DictField(
        child=serializers.IntegerField(), help_text="各审核层级待审 / Waiting per level"
    )
    share = serializers.FloatField(allow_null=True, help_text="达标占比 / Meeting ÷ registered")
    participation = serializers.FloatField(allow_null=True, help_text="参与率 / Participating ÷ registered")
    demonstrations = serializers.IntegerField(
        help_text="示范社区 / Demonstration communities", required=False
    )
    median_days = serializers.FloatField(
        allow_null=True, help_text="审核用时中位数(天)/ Median days", required=False
    )
    decided = serializers.IntegerField(help_text="已计入用时的审核 / Approvals timed", required=False)


class FiguresAreaSerializer(FiguresTotalsSerializer):
    code = serializers.CharField(allow_null=True)
    name = serializers.CharField()
    parent = serializers.CharField(
        allow_null=True, help_text="上级地区代码 / Parent area code", required=False
    )


class FiguresCriterionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="全国标准条目编号 / National criterion number")
    text = serializers.CharField()
    approved = serializers.IntegerField(help_text="当年审核通过的自评 / Approved assessments (the base)")
    met = serializers.IntegerField()
    met_share = serializers.FloatField(allow_null=True)
    confirmed = serializers.IntegerField()
    confirmed_share = serializers.FloatField(allow_null=True)


class FiguresStandardSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    local = serializers.BooleanField(help_text="省级地方标准 / A provincial local standard")
    version = serializers.IntegerField()
    total_points = serializers.FloatField(allow_null=True)
    pass_mark = serializers.FloatField(allow_null=True)


class FiguresScoreBinSerializer(serializers.Serializer):
    # "from" is a Python keyword: declared through the fields mapping.
    def get_fields(self):
        return {
            "from": serializers.FloatField(),
            "to": serializers.FloatField(),
            "count": serializers.IntegerField(),
        }


class FiguresScoreCriterionSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    text = serializers.CharField()
    national = serializers.IntegerField(allow_null=True)
    points = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    scored = serializers.IntegerField()


class FiguresScoresSerializer(serializers.Serializer):
    total_points = serializers.FloatField(allow_null=True)
    pass_mark = serializers.FloatField(allow_null=True)
    assessed = serializers.IntegerField()
    below_pass = serializers.IntegerField()
    mean_total = serializers.FloatField(allow_null=True)
    distribution = FiguresScoreBinSerializer(many=True)
    criteria = FiguresScoreCriterionSerializer(many=True)


class FiguresListEntrySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    county = serializers.CharField(allow_null=True)
    street = serializers.CharField(allow_null=True, required=False)
    late = serializers.BooleanField(required=False)
    revoked_on = serializers.DateField(allow_null=True, required=False)
    citation = serializers.CharField(allow_blank=True, required=False)


class ReportFiguresSerializer(serializers.Serializer):
    """The compiled figures of a provincial unit and year (docs/figures.md); {} until compiled."""

    year = serializers.IntegerField(required=False)
    target = serializers.FloatField(help_text="全国目标占比 / The national target share", required=False)
    target_year = serializers.IntegerField(required=False)
    province = FiguresUnitSerializer(required=False)
    has_cities = serializers.BooleanField(required=False)
    registry_imported = serializers.BooleanField(required=False)
    totals = FiguresTotalsSerializer(required=False)
    criteria = FiguresCriterionSerializer(
        many=True, help_text="按全国标准条目 / Per national criterion", required=False
    )
    chain = serializers.ListField(
        child=serializers.CharField(), help_text="审核链 / The review chain", required=False
    )
    standard = FiguresStandardSerializer(required=False)
    scores = FiguresScoresSerializer(
        allow_null=True, help_text="计分标准的得分统计 / Scored standards only", required=False
    )
    turnaround_hist = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="审核用时直方图(十分之一天)/ Days to approval, in tenths",
        required=False,
    )
    cities = FiguresAreaSerializer(many=True, required=False)
    counties = FiguresAreaSerializer(many=True, required=False)
    approved_list = FiguresListEntrySerializer(many=True, required=False)
    revoked_list = FiguresListEntrySerializer(many=True, required=False)
    demonstration_list = FiguresListEntrySerializer(many=True, required=False)


@extend_schema_field(ReportFiguresSerializer)
class ReportFiguresField(serializers.JSONField):
    """The stored figures, returned as they are; the schema describes them."""


class AnnualReportSerializer(AnnualReportListSerializer):
    figures = ReportFiguresField(read_only=True)

    class Meta(AnnualReportListSerializer.Meta):
        fields = [
            *AnnualReportListSerializer.Meta.fields,
            "figures",
            "mechanism",
            "measures",
            "support",
            "problems",
            "plans",
            "return_reason",
            "returned_at",
        ]


class CompileJobSerializer(serializers.ModelSerializer):
    outcome = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()

    class Meta:
        model = CompileJob
        fields = [
            "id",
            "kind",
            "year",
            "province",
            "state",
            "outcome",
            "note",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]

    @extend_schema_field(
        serializers.ChoiceField(
            choices=JobOutcome.choices,
            allow_null=True,
            help_text="完成后的结果;未完成或整年汇编为 null / What a finished compile of one unit did; null "
            "until then and for a whole year",
        )
    )
    def get_outcome(self, job):
        return job.outcome or None

    @extend_schema_field(serializers.CharField(help_text="结果说明 / What the outcome means, for people"))
    def get_note(self, job) -> str:
        return str(JobOutcome(job.outcome).label) if job.outcome else ""


class SubmitRequestSerializer(serializers.Serializer):
    version = VersionField(help_text="报告版本(乐观锁)/ Report version seen by the client")


class NarrativeSerializer(serializers.Serializer):
    """The five sections of the narrative; a section left out stays as it is."""

    mechanism = TextField(
        allow_blank=True, required=False, max_length=NARRATIVE_MAX, label=_("Working mechanism")
    )
    measures = TextField(allow_blank=True, required=False, max_length=NARRATIVE_MAX, label=_("Main measures"))
    support = TextField(
        allow_blank=True, required=False, max_length=NARRATIVE_MAX, label=_("Funding and policy support")
    )
    problems = TextField(allow_blank=True, required=False, max_length=NARRATIVE_MAX, label=_("Problems"))
    plans = TextField(
        allow_blank=True, required=False, max_length=NARRATIVE_MAX, label=_("Plans for next year")
    )
    version = VersionField(
        help_text="读取时的报告版本;已过期时返回 409 / The report version you read; stale: 409"
    )


class NarrativeReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnnualReport
        fields = ["id", "state", "version", "is_editable", *NARRATIVE_FIELDS]
        read_only_fields = fields

    is_editable = serializers.BooleanField(read_only=True)


class _CompileRequest(serializers.Serializer):
    year = CampaignYearField()


class ProvinceCompileRequestSerializer(_CompileRequest):
    kind = serializers.ChoiceField(
        choices=[JobKind.PROVINCE.value], help_text="province:一个省级单位 / one unit"
    )
    province = CodeField(lengths=(2, 12), help_text="省级单位代码,2 位或 12 位 / unit code, 2 or 12 digits")


class YearCompileRequestSerializer(_CompileRequest):
    kind = serializers.ChoiceField(
        choices=[JobKind.YEAR.value], help_text="year:全年全部单位 / every unit of the year"
    )


class CompileJobRequestSerializer(_CompileRequest):
    """What the server reads: {kind, year} and, for one unit, its province code."""

    kind = serializers.ChoiceField(choices=JobKind.choices)
    province = CodeField(lengths=(2, 12), required=False)

    def validate(self, attrs):
        if attrs["kind"] == JobKind.PROVINCE and not attrs.get("province"):
            raise serializers.ValidationError({"province": [_("Choose a provincial unit.")]})
        return attrs


COMPILE_REQUEST = PolymorphicProxySerializer(
    component_name="CompileJobRequest",
    serializers={
        JobKind.PROVINCE.value: ProvinceCompileRequestSerializer,
        JobKind.YEAR.value: YearCompileRequestSerializer,
    },
    resource_type_field_name="kind",
)


class NationalSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    compiled_at = serializers.DateTimeField(
        allow_null=True, help_text="汇总时间(实时数据的截止时间)/ When the live figures were composed"
    )
    figures = serializers.JSONField()


class FiguresRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    registered = serializers.IntegerField()
    participating = serializers.IntegerField()
    submitted = serializers.IntegerField()
    returned = serializers.IntegerField()
    approved = serializers.IntegerField(
        help_text="本年度审核通过(年底前未摘牌)/ Approved during the year, not revoked by its end"
    )
    revoked = serializers.IntegerField(help_text="本年度摘牌 / Revocations during the year")
    revoked_since = serializers.IntegerField(
        default=0, help_text="其中年底后已摘牌(截至今日)/ Of the approved, revoked after the year (today)"
    )
    meeting = serializers.IntegerField(help_text="累计达到创建要求 / Meeting the requirements (cumulative)")
    late = serializers.IntegerField(
        default=0, help_text="逾期提交自评(10月31日后首次提交)/ First submitted after 31 October"
    )
    waiting = serializers.DictField(
        child=serializers.IntegerField(), help_text="各审核层级待审 / Waiting per level"
    )
    share = serializers.FloatField(allow_null=True)
    participation = serializers.FloatField(allow_null=True)


class FiguresRegionSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    region = FiguresRowSerializer()
    child_level = serializers.CharField(allow_null=True)
    children = FiguresRowSerializer(many=True)


class PendingSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
