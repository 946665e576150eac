from django.urls import path

from . import review_views

app_name = "review"
urlpatterns = [
    path("", review_views.review_queue, name="queue"),
    path("bulk-approve/", review_views.review_bulk_approve, name="bulk-approve"),
    path("<int:pk>/", review_views.review_detail, name="detail"),
    path("<int:pk>/criteria/<int:number>/", review_views.review_criterion, name="criterion"),
    path(
        "<int:pk>/<str:action>/",
        review_views.review_decide,
        name="decide",
    ),
]
