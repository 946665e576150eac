from django.urls import path

from . import views

app_name = "naming"
urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("procedure/", views.procedure_page, name="procedure"),
    path("batches/new/", views.batch_new, name="batch-new"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("batches/<int:pk>/publish/", views.batch_publish, name="batch-publish"),
    path("batches/<int:pk>/name/", views.batch_name, name="batch-name"),
    path("batches/<int:pk>/objections/new/", views.objection_new, name="objection-new"),
    path("batches/<int:pk>/<str:kind>.pdf", views.batch_pdf, name="batch-pdf"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection-resolve"),
    path("objection-files/<int:pk>/", views.objection_file, name="objection-file"),
]
