from django.urls import path

from . import views

app_name = "departments"
urlpatterns = [
    path("", views.home, name="home"),
    path("batches/<int:pk>/consult/", views.consult, name="consult"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/answer/", views.consultation_answer, name="answer"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection-resolve"),
]
