from django.urls import path

from . import chain_views, queue_views, submit_views, views

app_name = "review"
urlpatterns = [
    path("", queue_views.review_queue, name="queue"),
    path("chain/", chain_views.review_chain, name="chain"),
    path("bulk-approve/", queue_views.review_bulk_approve, name="bulk-approve"),
    path("<id:pk>/", views.review_detail, name="detail"),
    path("<id:pk>/criteria/<number:number>/", views.review_criterion, name="criterion"),
    path("<id:pk>/verdicts/", views.review_verdicts, name="verdicts"),
    path("<id:pk>/<str:action>/", views.review_decide, name="decide"),
]

# The community's submit page stays under its assessment's address (/assessments/<pk>/submit/).
submission_patterns = (
    [path("<id:pk>/submit/", submit_views.assessment_submit, name="submit")],
    "submission",
)
