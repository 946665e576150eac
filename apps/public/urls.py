from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("<unit:code>/<year:year>/", views.public_province, name="province"),
]
