from django.urls import path

from . import evidence_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_current, name="current"),
    path("open/", views.assessment_open, name="open"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/criteria/<int:number>/", views.criterion_save, name="criterion"),
    path("<int:pk>/evidence/<int:evidence_pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("<int:pk>/rounds/<int:round>/", views.submission_detail, name="round"),
    path("evidence/<int:pk>/", evidence_views.evidence_download, name="evidence"),
    path("evidence/<int:pk>/thumbnail/", evidence_views.evidence_thumbnail, name="evidence-thumbnail"),
]
