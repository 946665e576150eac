"""The API: schema at /api/schema/, documentation at /api/docs/, everything else under /api/v1/."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from apps.integrity.api import IntegrityFlagsView

from . import assessment_views, registry_views, token_views, views

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("regions", registry_views.RegionViewSet, basename="region")
router.register("standards", registry_views.StandardViewSet, basename="standard")
router.register("communities", registry_views.CommunityViewSet, basename="community")
router.register("assessments", assessment_views.AssessmentViewSet, basename="assessment")

v1 = [
    path("auth/token/", token_views.TokenView.as_view(), name="token"),
    path("auth/tokens/", token_views.TokenListView.as_view(), name="tokens"),
    path("auth/tokens/<id:pk>/", token_views.TokenDetailView.as_view(), name="token-detail"),
    path("campaign/", views.CampaignView.as_view(), name="campaign"),
    path("evidence/<id:pk>/", assessment_views.EvidenceFileView.as_view(), name="evidence-file"),
    # Built by the reports app (annual reports, national snapshots, compile jobs, PDFs).
    path("reports/", include("apps.reports.api_urls")),
    # Built by the targets app (targets, actual against target, creation lists).
    path("targets/", include("apps.targets.api_urls")),
    # Built by the naming app (batches, objections, the public notices).
    path("naming/", include("apps.naming.api_urls")),
    # Built by the residents app (surveys, results, the public community page).
    path("residents/", include("apps.residents.api_urls")),
    # Built by the departments app (consultations, owned criteria, report co-signatures).
    path("departments/", include("apps.departments.api_urls")),
    # Built by the sitechecks app (plans, draws, assignments, the offline upload).
    path("sitechecks/", include("apps.sitechecks.api_urls")),
    path(
        "assessments/<id:pk>/integrity-flags/",
        IntegrityFlagsView.as_view(),
        name="assessment-integrity-flags",
    ),
    *router.urls,
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's initialiser as a script file: no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/", include(v1)),
    re_path(r"^.*$", views.api_not_found, name="not-found"),
]
