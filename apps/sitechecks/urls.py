from django.urls import path

from . import views

app_name = "sitechecks"
urlpatterns = [
    path("", views.assignments, name="home"),
    path("sw.js", views.service_worker, name="sw"),
    path("plan/", views.plan_page, name="plan"),
    path("plan/<int:pk>/draw/", views.plan_draw, name="draw"),
    path("plan/<int:pk>/groups/", views.group_new, name="group-new"),
    path("plan/<int:pk>/report/", views.report, name="report"),
    path("experts/new/", views.expert_new, name="expert-new"),
    path("samples/<int:pk>/assign/", views.assign, name="assign"),
    path("assignments/<int:pk>/", views.assignment_page, name="assignment"),
    path("assignments/<int:pk>/items/", views.item_sync, name="sync"),
    path("assignments/<int:pk>/sign-off/", views.sign_off, name="sign-off"),
    path("assignments/<int:pk>/conflict/", views.conflict, name="conflict"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
