"""API routes of the site checks, included by apps/api/urls.py under /api/v1/sitechecks/."""

from django.urls import path

from . import api

app_name = "sitechecks_api"
urlpatterns = [
    path("plans/", api.PlanList.as_view(), name="plan-list"),
    path("plans/<id:pk>/", api.PlanDetail.as_view(), name="plan-detail"),
    path("plans/<id:pk>/draw/", api.PlanDraw.as_view(), name="plan-draw"),
    path("assignments/", api.AssignmentList.as_view(), name="assignment-list"),
    path("assignments/<id:pk>/", api.AssignmentDetail.as_view(), name="assignment-detail"),
    path("assignments/<id:pk>/items/", api.ItemUpload.as_view(), name="item-upload"),
    path("assignments/<id:pk>/sign-off/", api.SignOff.as_view(), name="sign-off"),
]
