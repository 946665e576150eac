"""API routes of the naming, included by apps/api/urls.py under /api/v1/naming/."""

from django.urls import path

from . import api

app_name = "naming_api"
urlpatterns = [
    path("batches/", api.BatchList.as_view(), name="batch-list"),
    path("batches/<id:pk>/", api.BatchDetail.as_view(), name="batch-detail"),
    path("batches/<id:pk>/publish/", api.BatchPublish.as_view(), name="batch-publish"),
    path("batches/<id:pk>/name/", api.BatchName.as_view(), name="batch-name"),
    path("batches/<id:pk>/objections/", api.BatchObjections.as_view(), name="batch-objections"),
    path("objections/<id:pk>/resolve/", api.ObjectionResolve.as_view(), name="objection-resolve"),
    path("stages/<year:year>/", api.NamingStages.as_view(), name="stages"),
    path("public/batches/", api.PublicBatchList.as_view(), name="public-batches"),
    path("public/batches/<id:pk>/objections/", api.PublicObjection.as_view(), name="public-objection"),
]
