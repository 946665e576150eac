from django.urls import path, re_path

from . import figures_views, views

app_name = "reports"
urlpatterns = [
    path("", views.index, name="index"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/narrative/", views.narrative, name="narrative"),
    path("<id:pk>/compile/", views.compile_report, name="compile"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/return/", views.return_report, name="return"),
    path("<id:pk>/pdf/", views.report_pdf, name="pdf"),
    path("national/", views.national_redirect, name="national_current"),
    path("national/<year:year>/", views.national, name="national"),
    path("national/<year:year>/compile/", views.national_compile, name="national_compile"),
    path("national/<year:year>/pdf/", views.national_pdf, name="national_pdf"),
    path("national/<year:year>/remind/", views.national_remind, name="national_remind"),
    # Drill-down: nation -> unit -> city -> county -> street -> the communities behind a figure.
    re_path(
        r"^figures/(?P<year>[0-9]{4})/export\.(?P<fmt>csv|xlsx)$",
        figures_views.figures_national_export,
        name="figures_national_export",
    ),
    path("figures/<year:year>/<code:code>/", figures_views.figures_region, name="figures_region"),
    re_path(
        r"^figures/(?P<year>[0-9]{4})/(?P<code>[0-9]{12})/export\.(?P<fmt>csv|xlsx)$",
        figures_views.figures_region_export,
        name="figures_region_export",
    ),
    path(
        "figures/<year:year>/<code:code>/communities/",
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
