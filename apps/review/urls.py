from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("chain/", views.review_chain, name="chain"),
    path("bulk-approve/", views.review_bulk_approve, name="bulk-approve"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/criteria/<int:number>/", views.review_criterion, name="criterion"),
    path("<int:pk>/<str:action>/", views.review_decide, name="decide"),
]

# The community's submit page stays under its assessment's address (/assessments/<pk>/submit/).
submission_patterns = (
    [path("<int:pk>/submit/", views.assessment_submit, name="submit")],
    "submission",
)
