from django.urls import path

from . import views

app_name = "review"
urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("chain/", views.review_chain, name="chain"),
    path("bulk-approve/", views.review_bulk_approve, name="bulk-approve"),
    path("<id:pk>/", views.review_detail, name="detail"),
    path("<id:pk>/criteria/<number:number>/", views.review_criterion, name="criterion"),
    path("<id:pk>/verdicts/", views.review_verdicts, name="verdicts"),
    path("<id:pk>/<str:action>/", views.review_decide, name="decide"),
]

# The community's submit page stays under its assessment's address (/assessments/<pk>/submit/).
submission_patterns = (
    [path("<id:pk>/submit/", views.assessment_submit, name="submit")],
    "submission",
)
