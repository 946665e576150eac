from django.urls import path, re_path

from . import figures_views, views

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
    path("national/<int:year>/remind/", views.national_remind, name="national_remind"),
    # Drill-down: nation -> unit -> city -> county -> street -> the communities behind a figure.
    re_path(
        r"^figures/(?P<year>[0-9]{4})/export\.(?P<fmt>csv|xlsx)$",
        figures_views.figures_national_export,
        name="figures_national_export",
    ),
    path("figures/<int:year>/<str:code>/", figures_views.figures_region, name="figures_region"),
    re_path(
        r"^figures/(?P<year>[0-9]{4})/(?P<code>[0-9]{12})/export\.(?P<fmt>csv|xlsx)$",
        figures_views.figures_region_export,
        name="figures_region_export",
    ),
    path(
        "figures/<int:year>/<str:code>/communities/",
        figures_views.figures_communities,
        name="figures_communities",
    ),
    re_path(
        r"^figures/(?P<year>[0-9]{4})/(?P<code>[0-9]{12})/communities\.(?P<fmt>csv|xlsx)$",
        figures_views.figures_communities_export,
        name="figures_communities_export",
    ),
    path("jobs/<uuid:pk>/", views.job_status, name="job"),
]
