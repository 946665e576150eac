"""API routes of the targets app, included by apps/api/urls.py under /api/v1/targets/."""

from django.urls import path

from . import api

app_name = "targets_api"
urlpatterns = [
    path("", api.TargetList.as_view(), name="list"),
    path("progress/<year:year>/", api.NationalProgress.as_view(), name="national"),
    path("progress/<year:year>/<code:code>/", api.Progress.as_view(), name="progress"),
    path("lists/", api.CreationList.as_view(), name="lists"),
    path("plans/", api.PlanList.as_view(), name="plans"),
]
