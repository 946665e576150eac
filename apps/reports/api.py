"""REST API of the reports app (/api/v1/reports/): standard DRF views, every queryset through the
selectors' visible_to chokepoint, another unit's report answers 404."""

import django_filters
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.capabilities import can_explore_figures, can_see_national
from apps.api.filters import UnitCodeFilter, YearFilter
from apps.api.validation import validated
from apps.core.viewsets import ScopedListView, ScopedRetrieveView
from apps.regions.models import Region

from . import jobs, selectors, services, tasks
from .figures import drilldown, live, store
from .figures.counts import figure_years
from .models import NARRATIVE_FIELDS, AnnualReport, CompileJob, JobKind, NationalSnapshot
from .serializers import (
    COMPILE_REQUEST,
    AnnualReportListSerializer,
    AnnualReportSerializer,
    CompileJobRequestSerializer,
    CompileJobSerializer,
    FiguresRegionSerializer,
    NarrativeReadSerializer,
    NarrativeSerializer,
    NationalSerializer,
    PendingSerializer,
    SubmitRequestSerializer,
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
