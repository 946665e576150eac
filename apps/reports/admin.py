from django.contrib import admin

from .models import AnnualReport, CompileJob, NationalSnapshot, ReportEvent


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    """Read-only: reports change only through the services (compile, narrative, submit, return)."""

    list_display = ["province", "year", "state", "is_late", "compiled_at", "submitted_at"]
    list_filter = ["year", "state", "is_late"]
    list_select_related = ["province"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReportEvent)
class ReportEventAdmin(AnnualReportAdmin):
    list_display = ["report", "action", "at", "actor", "day"]
    list_filter = ["action"]
    list_select_related = ["report__province", "actor"]


@admin.register(NationalSnapshot)
class NationalSnapshotAdmin(AnnualReportAdmin):
    list_display = ["year", "compiled_at", "pdf_compiled_at"]
    list_filter = []
    list_select_related = []


@admin.register(CompileJob)
class CompileJobAdmin(AnnualReportAdmin):
    list_display = ["id", "kind", "year", "province", "state", "created_at", "finished_at"]
    list_filter = ["kind", "state", "year"]
    list_select_related = ["province"]
