from django.urls import path

from . import evidence_views, views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_current, name="current"),
    path("open/", views.assessment_open, name="open"),
    path("<id:pk>/", views.assessment_detail, name="detail"),
    path("<id:pk>/criteria/<number:number>/", views.criterion_save, name="criterion"),
    path("<id:pk>/evidence/<id:evidence_pk>/remove/", views.evidence_remove, name="evidence-remove"),
    path("<id:pk>/rounds/<number:round>/", views.submission_detail, name="round"),
    path("evidence/<id:pk>/", evidence_views.evidence_download, name="evidence"),
    path("evidence/<id:pk>/thumbnail/", evidence_views.evidence_thumbnail, name="evidence-thumbnail"),
]
