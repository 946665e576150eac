"""REST API of the reports app (/api/v1/reports/): standard DRF views, every queryset through the
selectors' visible_to chokepoint, another unit's report answers 404."""

import django_filters
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_explore_figures, can_see_national
from apps.api.fields import CampaignYearField, CodeField, TextField, VersionField
from apps.api.filters import UnitCodeFilter, YearFilter
from apps.api.validation import validated
from apps.core.viewsets import ScopedListView, ScopedRetrieveView
from apps.regions.models import Region

from . import jobs, selectors, services, tasks
from .figures import drilldown, live, store
from .figures.counts import figure_years
from .models import NARRATIVE_FIELDS, AnnualReport, CompileJob, JobKind, JobOutcome, NationalSnapshot

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


class AnnualReportFilter(django_filters.FilterSet):
    year = YearFilter(help_text=_("Year of the report"))
    province = UnitCodeFilter(
        method="filter_province", help_text=_("Provincial unit: its 2-digit prefix or 12-digit code")
    )

    class Meta:
        model = AnnualReport
        fields = ["year", "province"]

    def filter_province(self, queryset, name, value):
        return queryset.filter(province_id=value.ljust(12, "0"))


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


# Errors (ServiceError, 404) go through the API's one exception handler: {"code", "message", "fields"}.


@extend_schema_view(
    get=extend_schema(
        summary="年度报告列表 / Annual reports",
        description="辖区内的年度总结评估报告,可按年度(?year=)和省级单位(?province=)筛选。/ Annual reports in your "
        "scope, filtered by ?year= and ?province=.",
    )
)
class AnnualReportList(ScopedListView):
    """Annual reports in scope; filters ?year= and ?province= (a unit's 2-digit prefix or code)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AnnualReportListSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = AnnualReportFilter
    scope_model = AnnualReport

    def safely_get_queryset(self, queryset):
        return selectors.annual_reports_filtered(queryset).order_by("-year", "province_id")


class AnnualReportDetail(ScopedRetrieveView):
    permission_classes = [IsAuthenticated]
    serializer_class = AnnualReportSerializer
    scope_model = AnnualReport

    def safely_get_queryset(self, queryset):
        return queryset.select_related("province")


class AnnualReportNarrativeView(APIView):
    """The narrative of a report: read it (everyone who sees the report), write it (the unit's
    provincial staff while the report is a draft or returned), as the report page does."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: NarrativeReadSerializer}, summary="读取报告正文 / Read the narrative")
    def get(self, request, pk):
        report = selectors.access_report(user=request.user, pk=pk)
        return Response(NarrativeReadSerializer(report).data)

    @extend_schema(
        request=NarrativeSerializer,
        responses={200: NarrativeReadSerializer},
        summary="保存报告正文(省级部门)/ Save the narrative (provincial staff)",
        description="只改传入的部分;带上读到的 version,他人已保存时返回 409;已提交的报告返回 409。/ Only "
        "the sections sent change; send the version you read (stale: 409); a submitted report: 409.",
    )
    def patch(self, request, pk):
        report = selectors.access_report(user=request.user, pk=pk)
        body = validated(NarrativeSerializer, request)
        sections = {k: v for k, v in body.items() if k in NARRATIVE_FIELDS}
        report = services.annual_report_update_narrative(
            report=report,
            user=request.user,
            data=sections,
            expected_version=body.get("version"),
        )
        return Response(NarrativeReadSerializer(report).data)


class AnnualReportSubmit(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SubmitRequestSerializer,
        responses={200: AnnualReportSerializer},
        summary="提交年度报告 / Submit the annual report to the ministry",
    )
    def post(self, request, pk):
        report = selectors.access_report(user=request.user, pk=pk)
        body = validated(SubmitRequestSerializer, request)
        report = services.annual_report_submit(
            report=report, user=request.user, expected_version=body.get("version")
        )
        return Response(AnnualReportSerializer(report).data)


def _pdf_response(obj, filename, render_task, *args):
    if not obj.pdf_is_current:
        render_task.delay(*args)
        obj.refresh_from_db()
    if not obj.pdf_is_current:
        return Response(
            {"detail": "The PDF is being prepared.", "code": "pending"}, status=status.HTTP_202_ACCEPTED
        )
    return FileResponse(
        obj.pdf.open("rb"), as_attachment=True, filename=filename, content_type="application/pdf"
    )


class PendingSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


PDF_RESPONSES = {
    (200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY, description="PDF"),
    (202, "application/json"): OpenApiResponse(
        response=PendingSerializer, description="正在生成,请稍后再试 / Being rendered: try again shortly"
    ),
}


class AnnualReportPdf(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PDF_RESPONSES, summary="年度报告 PDF / Annual report PDF")
    def get(self, request, pk):
        report = selectors.access_report(user=request.user, pk=pk)
        if not report.compiled_at:
            raise Http404
        report = services.annual_report_make_current(report=report)
        return _pdf_response(
            report,
            f"report-{report.year}-{report.province_id}.pdf",
            tasks.render_annual_report_pdf,
            report.pk,
        )


def _snapshot_or_404(request, year) -> NationalSnapshot:
    try:
        return selectors.national_snapshot_get(user=request.user, year=year)
    except NationalSnapshot.DoesNotExist:
        raise Http404 from None


class NationalDetail(APIView):
    """The national figures of a year as of the last decision (composed from the 32 units)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: NationalSerializer}, summary="全国进展(实时)/ National progress of a year, live"
    )
    def get(self, request, year):
        if not can_see_national(request.user) or year not in figure_years():
            raise Http404
        figures, as_of = live.national_figures_live(year=year)
        return Response({"year": year, "compiled_at": as_of, "figures": figures})


class FiguresRegion(APIView):
    """A region's live figures of a year and those of each region one level below (drill-down):
    reviewers for their own region and below, the ministry everywhere."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: FiguresRegionSerializer}, summary="地区统计(实时)/ A region's figures, live"
    )
    def get(self, request, year, code):
        if not can_explore_figures(request.user):
            raise PermissionDenied(_("Your role may not read these figures."))
        if year not in figure_years():
            raise Http404
        try:
            region = drilldown.figures_region_get(user=request.user, code=code)
        except Region.DoesNotExist:
            raise Http404 from None
        table = drilldown.region_figures_table(year=year, region=region)
        return Response(
            FiguresRegionSerializer(
                {
                    "year": year,
                    "region": {**table["row"], "code": region.code, "name": region.name},
                    "child_level": table["child_level"],
                    "children": table["children"],
                }
            ).data
        )


class NationalPdf(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PDF_RESPONSES, summary="全国进展 PDF / National progress PDF")
    def get(self, request, year):
        if can_see_national(request.user) and year in figure_years():
            store.national_snapshot_make_current(year=year)
        snapshot = _snapshot_or_404(request, year)
        return _pdf_response(snapshot, f"national-{year}.pdf", tasks.render_national_pdf, year)


class CompileJobStart(APIView):
    """POST {"kind": "province", "year": 2026, "province": "310000000000"} or {"kind": "year", "year": 2026}:
    202 with the job id to poll."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=COMPILE_REQUEST,
        responses={202: CompileJobSerializer},
        summary="开始汇编 / Start a compile job (poll /jobs/{id}/)",
        description="已提交的报告数据已冻结:不汇编,返回 409(report_frozen)并说明原因。/ A submitted report's "
        "figures are frozen: nothing is compiled, 409 (report_frozen) says why.",
    )
    def post(self, request):
        body = validated(CompileJobRequestSerializer, request)
        kind, year = body["kind"], body["year"]
        province = body["province"].ljust(12, "0") if kind == JobKind.PROVINCE else None
        job = jobs.compile_job_start(user=request.user, kind=kind, year=year, province_code=province)
        job.refresh_from_db()
        return Response(CompileJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class CompileJobDetail(ScopedRetrieveView):
    permission_classes = [IsAuthenticated]
    serializer_class = CompileJobSerializer
    scope_model = CompileJob
