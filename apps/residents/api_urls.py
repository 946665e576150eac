"""API routes of the residents' voice, included by apps/api/urls.py under /api/v1/residents/."""

from django.urls import path

from . import api

app_name = "residents_api"
urlpatterns = [
    path("surveys/", api.SurveyList.as_view(), name="surveys"),
    path("results/<code:code>/<year:year>/", api.CommunityResults.as_view(), name="results"),
    path("public/communities/<code:code>/", api.PublicCommunity.as_view(), name="public-community"),
]
