"""REST API of the reports app (/api/v1/reports/): standard DRF views, every queryset through the
selectors' visible_to chokepoint, another unit's report answers 404."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_explore_figures, can_see_national
from apps.core.errors import ServiceError
from apps.core.viewsets import ScopedListView, ScopedRetrieveView
from apps.regions.models import Region

from . import selectors, services, tasks
from .models import AnnualReport, CompileJob, JobKind, NationalSnapshot


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


class AnnualReportSerializer(AnnualReportListSerializer):
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
    class Meta:
        model = CompileJob
        fields = [
            "id",
            "kind",
            "year",
            "province",
            "state",
            "created_at",
            "started_at",
            "finished_at",
            "error",
        ]


class SubmitRequestSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, min_value=0, help_text="报告版本(乐观锁)/ Report version seen by the client"
    )


class CompileJobRequestSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=JobKind.choices, help_text="province 或 year / one unit or the whole year"
    )
    year = serializers.IntegerField(min_value=2020, max_value=2100)
    province = serializers.RegexField(
        r"^\d{2}(\d{10})?$", required=False, help_text="省级单位代码(kind=province 时必填)/ unit code"
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
    approved = serializers.IntegerField(help_text="审核通过且未撤销 / Approved and not revoked since")
    revoked = serializers.IntegerField()
    meeting = serializers.IntegerField(help_text="累计达到创建要求 / Meeting the requirements (cumulative)")
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


class AnnualReportList(ScopedListView):
    """Annual reports in scope; filters ?year= and ?province= (division code)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AnnualReportListSerializer
    filter_backends: list = []
    scope_model = AnnualReport

    def safely_get_queryset(self, queryset):
        year = self.request.query_params.get("year")
        return selectors.annual_reports_filtered(
            queryset,
            year=int(year) if year and year.isascii() and year.isdigit() else None,
            province=self.request.query_params.get("province") or None,
        ).order_by("-year", "province_id")


class AnnualReportDetail(ScopedRetrieveView):
    permission_classes = [IsAuthenticated]
    serializer_class = AnnualReportSerializer
    scope_model = AnnualReport

    def safely_get_queryset(self, queryset):
        return queryset.select_related("province")


class AnnualReportSubmit(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=SubmitRequestSerializer,
        responses={200: AnnualReportSerializer},
        summary="提交年度报告 / Submit the annual report to the ministry",
    )
    def post(self, request, pk):
        report = selectors.access_report(user=request.user, pk=pk)
        data = SubmitRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.annual_report_submit(
            report=report, user=request.user, expected_version=data.validated_data.get("version")
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
        if not can_see_national(request.user) or year not in selectors.figure_years():
            raise Http404
        figures, as_of = selectors.national_figures_live(year=year)
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
        if year not in selectors.figure_years():
            raise Http404
        try:
            region = selectors.figures_region_get(user=request.user, code=code)
        except Region.DoesNotExist:
            raise Http404 from None
        table = selectors.region_figures_table(year=year, region=region)
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
        snapshot = _snapshot_or_404(request, year)
        return _pdf_response(snapshot, f"national-{year}.pdf", tasks.render_national_pdf, year)


class CompileJobStart(APIView):
    """POST {"kind": "province", "year": 2026, "province": "310000000000"} or {"kind": "year", "year": 2026}:
    202 with the job id to poll."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=CompileJobRequestSerializer,
        responses={202: CompileJobSerializer},
        summary="开始汇编 / Start a compile job (poll /jobs/{id}/)",
    )
    def post(self, request):
        data = CompileJobRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        kind, year = data.validated_data["kind"], data.validated_data["year"]
        province = (
            data.validated_data.get("province", "").ljust(12, "0") if kind == JobKind.PROVINCE else None
        )
        if kind == JobKind.PROVINCE and not province:
            raise ServiceError(_("Choose a provincial unit."), code="invalid", field="province")
        job = services.compile_job_start(user=request.user, kind=kind, year=year, province_code=province)
        job.refresh_from_db()
        return Response(CompileJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class CompileJobDetail(ScopedRetrieveView):
    permission_classes = [IsAuthenticated]
    serializer_class = CompileJobSerializer
    scope_model = CompileJob
