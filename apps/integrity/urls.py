from django.urls import path

from . import views

app_name = "integrity"
urlpatterns = [
    path("", views.flag_figures, name="figures"),
    path("flags/<id:pk>/", views.flag_detail, name="flag"),
]
