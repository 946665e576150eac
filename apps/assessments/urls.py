from django.urls import path

from . import evidence_views

app_name = "assessments"
urlpatterns = [
    path("evidence/<int:pk>/", evidence_views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/thumbnail/", evidence_views.evidence_thumbnail, name="evidence-thumbnail"),
]
