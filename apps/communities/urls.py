from django.urls import path, re_path

from . import export_views, import_views, views

app_name = "communities"
urlpatterns = [
    path("", views.community_list, name="list"),
    # Registry import and exports (before "<code>/", which would otherwise match "import/").
    path("import/", import_views.registry_import_upload, name="import"),
    re_path(
        r"^import/template\.(?P<fmt>csv|xlsx)$", import_views.registry_import_template, name="import-template"
    ),
    path("import/<str:token>/", import_views.registry_import_preview, name="import-preview"),
    re_path(r"^export/communities\.(?P<fmt>csv|xlsx)$", export_views.community_export, name="export"),
    re_path(
        r"^export/assessments\.(?P<fmt>csv|xlsx)$", export_views.assessment_export, name="export-assessments"
    ),
    path("<code:code>/", views.community_detail, name="detail"),
    path("<code:code>/retire/", views.community_retire_view, name="retire"),
]
