"""API routes of the other departments, included by apps/api/urls.py under /api/v1/departments/."""

from django.urls import path

from . import api

app_name = "departments_api"
urlpatterns = [
    path("consultations/", api.ConsultationList.as_view(), name="consultation-list"),
    path("consultations/<id:pk>/answer/", api.ConsultationAnswer.as_view(), name="consultation-answer"),
    path("owned-criteria/", api.OwnedCriterionList.as_view(), name="owned-criteria"),
    path("signatures/", api.SignatureList.as_view(), name="signature-list"),
    path("signatures/<id:pk>/confirm/", api.SignatureConfirm.as_view(), name="signature-confirm"),
]
