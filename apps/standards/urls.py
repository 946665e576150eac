from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/preview/", views.preview, name="preview"),
    path("<id:pk>/publish/", views.publish, name="publish"),
    path("<id:pk>/new-version/", views.new_version, name="new-version"),
    path("<id:pk>/discard/", views.discard, name="discard"),
]
