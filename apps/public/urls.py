from django.urls import path

from apps.naming import public_views as naming_views

from . import views

app_name = "public"
urlpatterns = [
    path("", views.public_index, name="index"),
    path("<unit:code>/<year:year>/", views.public_province, name="province"),
    # The naming's public notices (apps.naming): batches, objections, official documents.
    path("batches/<int:pk>/", naming_views.public_batch, name="batch"),
    path("batches/<int:pk>/objection/", naming_views.public_objection, name="batch-objection"),
    path("batches/<int:pk>/<str:kind>.pdf", naming_views.public_batch_pdf, name="batch-pdf"),
]
