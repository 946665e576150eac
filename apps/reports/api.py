"""REST API of the reports app (/api/v1/reports/): standard DRF views, every queryset through the
selectors' visible_to chokepoint, another unit's report answers 404."""

from django.http import FileResponse, Http404
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.errors import ServiceError

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


def _service_error(exc: ServiceError) -> Response:
    if exc.status == 403:
        # Acting on a visible report without the right role is refused, not hidden.
        return Response({"detail": str(exc.message), "code": exc.code}, status=status.HTTP_403_FORBIDDEN)
    return Response({"detail": str(exc.message), "code": exc.code, "field": exc.field}, status=exc.status)


class AnnualReportList(generics.ListAPIView):
    """Annual reports in scope; filters ?year= and ?province= (division code)."""

    permission_classes = [IsAuthenticated]
    serializer_class = AnnualReportListSerializer
    filter_backends: list = []

    def get_queryset(self):
        year = self.request.query_params.get("year")
        return selectors.annual_report_list(
            user=self.request.user,
            year=int(year) if year and year.isdigit() else None,
            province=self.request.query_params.get("province") or None,
        ).order_by("-year", "province_id")


class AnnualReportDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = AnnualReportSerializer

    def get_queryset(self):
        return selectors.annual_report_list(user=self.request.user)


class AnnualReportSubmit(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request, pk):
        report = generics.get_object_or_404(selectors.annual_report_list(user=request.user), pk=pk)
        version = request.data.get("version")
        try:
            report = services.annual_report_submit(
                report=report,
                user=request.user,
                expected_version=int(version) if version is not None else None,
            )
        except ServiceError as exc:
            return _service_error(exc)
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


class AnnualReportPdf(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, pk):
        report = generics.get_object_or_404(selectors.annual_report_list(user=request.user), pk=pk)
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
    permission_classes = [IsAuthenticated]

    def get(self, request, year):
        snapshot = _snapshot_or_404(request, year)
        return Response(
            {"year": snapshot.year, "compiled_at": snapshot.compiled_at, "figures": snapshot.figures}
        )


class NationalPdf(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request, year):
        snapshot = _snapshot_or_404(request, year)
        return _pdf_response(snapshot, f"national-{year}.pdf", tasks.render_national_pdf, year)


class CompileJobStart(APIView):
    """POST {"kind": "province", "year": 2026, "province": "310000000000"} or {"kind": "year", "year": 2026}:
    202 with the job id to poll."""

    permission_classes = [IsAuthenticated]

    def post(self, request):
        kind = request.data.get("kind")
        try:
            year = int(request.data.get("year"))
        except (TypeError, ValueError):
            return Response({"detail": "year is required", "code": "invalid", "field": "year"}, status=400)
        if kind not in JobKind.values:
            return Response(
                {"detail": "kind is province or year", "code": "invalid", "field": "kind"}, status=400
            )
        province = (
            str(request.data.get("province") or "").ljust(12, "0") if kind == JobKind.PROVINCE else None
        )
        try:
            job = services.compile_job_start(user=request.user, kind=kind, year=year, province_code=province)
        except ServiceError as exc:
            return _service_error(exc)
        job.refresh_from_db()
        return Response(CompileJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class CompileJobDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = CompileJobSerializer

    def get_queryset(self):
        return CompileJob.objects.visible_to(self.request.user)
