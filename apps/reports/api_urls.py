"""API routes of the reports app, included by apps/api/urls.py under /api/v1/reports/."""

from django.urls import path

from . import api

app_name = "reports_api"
urlpatterns = [
    path("annual/", api.AnnualReportList.as_view(), name="annual-list"),
    path("annual/<id:pk>/", api.AnnualReportDetail.as_view(), name="annual-detail"),
    path("annual/<id:pk>/narrative/", api.AnnualReportNarrativeView.as_view(), name="annual-narrative"),
    path("annual/<id:pk>/submit/", api.AnnualReportSubmit.as_view(), name="annual-submit"),
    path("annual/<id:pk>/pdf/", api.AnnualReportPdf.as_view(), name="annual-pdf"),
    path("national/<year:year>/", api.NationalDetail.as_view(), name="national"),
    path("national/<year:year>/pdf/", api.NationalPdf.as_view(), name="national-pdf"),
    path("figures/<year:year>/<code:code>/", api.FiguresRegion.as_view(), name="figures-region"),
    path("jobs/", api.CompileJobStart.as_view(), name="job-start"),
    path("jobs/<uuid:pk>/", api.CompileJobDetail.as_view(), name="job-detail"),
]
