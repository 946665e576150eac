from django.urls import path

from . import public_views, views

app_name = "residents"
urlpatterns = [
    # Public (no login): short URLs, printed in the posters' QR codes.
    path("r/<str:code>/", public_views.community_page, name="page"),
    path("r/<str:code>/survey/", public_views.survey, name="survey"),
    # Staff.
    path("residents/results/<code:code>/<year:year>/", views.results, name="results"),
    path("residents/posters/<code:code>.pdf", views.poster, name="poster"),
    path("residents/posters/area/<code:code>/", views.area_posters, name="area-posters"),
    path("residents/posters/jobs/<id:pk>/", views.poster_job, name="poster-job"),
    path("residents/posters/jobs/<id:pk>/download/", views.poster_job_download, name="poster-job-download"),
    path("residents/surveys/<year:year>/", views.survey_settings, name="survey-settings"),
]
