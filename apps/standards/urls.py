from django.urls import path

from . import views

app_name = "standards"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/preview/", views.preview, name="preview"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/new-version/", views.new_version, name="new-version"),
    path("<int:pk>/discard/", views.discard, name="discard"),
]
