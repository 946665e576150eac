from django.urls import path

from . import views

app_name = "departments"
urlpatterns = [
    path("", views.home, name="home"),
    path("batches/<int:pk>/consult/", views.consult, name="consult"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/answer/", views.consultation_answer, name="answer"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection-resolve"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/criteria/<int:number>/opinion/", views.opinion_add, name="opinion"),
    path("criteria/", views.criteria, name="criteria"),
    path("accounts/new/", views.account_new, name="account-new"),
    path("types/", views.type_add, name="type-add"),
    path("types/<int:pk>/remove/", views.type_remove, name="type-remove"),
    path("reports/<int:pk>/departments/", views.report_departments, name="report-departments"),
    path("signatures/<int:pk>/confirm/", views.report_confirm, name="report-confirm"),
]
