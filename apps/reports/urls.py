from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/narrative/", views.narrative, name="narrative"),
    path("<int:pk>/compile/", views.compile_report, name="compile"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/return/", views.return_report, name="return"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("national/", views.national_redirect, name="national_current"),
    path("national/<int:year>/", views.national, name="national"),
    path("national/<int:year>/compile/", views.national_compile, name="national_compile"),
    path("national/<int:year>/pdf/", views.national_pdf, name="national_pdf"),
    path("jobs/<uuid:pk>/", views.job_status, name="job"),
]
