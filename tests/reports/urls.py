"""The project's URLs plus the reports API under /api/v1/reports/ (the API app, built in parallel,
includes apps.reports.api_urls there; this keeps the tests independent of it)."""

from django.urls import include, path

from greencommunity.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("api/v1/reports/", include("apps.reports.api_urls")),
    *project_urlpatterns,
]
