from django.urls import path

from . import views

app_name = "targets"
urlpatterns = [
    path("", views.index, name="index"),
    path("plans/", views.plans, name="plans"),
    path("plans/file/", views.plan_file, name="plan_file"),
    path("plans/<id:pk>/decide/", views.plan_decide, name="plan_decide"),
    path("plans/<id:pk>/download/", views.plan_download, name="plan_download"),
    path("<year:year>/", views.year_page, name="year"),
    path("<year:year>/import/", views.import_page, name="import"),
    path("<year:year>/bulletin.pdf", views.bulletin_pdf, name="bulletin"),
    path("<year:year>/bulletin/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("<year:year>/export.<str:fmt>", views.export, name="export"),
    path("<year:year>/list/", views.creation_list, name="list"),
    path("<year:year>/list/<code:code>/remove/", views.creation_list_remove, name="list_remove"),
    path("<year:year>/<code:code>/", views.area_page, name="area"),
    path("<year:year>/<code:code>/set/", views.area_set, name="set"),
]
