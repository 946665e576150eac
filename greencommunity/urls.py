from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (language is chosen by cookie/header, not URL)
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts import history_views
from apps.accounts.forms import LoginForm
from apps.core import views as core_views
from apps.review.urls import submission_patterns

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/security/", include("apps.api.security_urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("history/", history_views.history, name="history"),
    path("history/export.csv", history_views.history_export, name="history_export"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("communities/", include("apps.communities.urls")),
    path("assessments/", include("apps.assessments.urls")),
    path("assessments/", include(submission_patterns)),
    path("review/", include("apps.review.urls")),
    path("public/", include("apps.public.urls")),
    path("naming/", include("apps.naming.urls")),
    path("", include("apps.residents.urls")),
    path("sitechecks/", include("apps.sitechecks.urls")),
    path("notices/", include("apps.notices.urls")),
    path("regions/", include("apps.regions.urls")),
    path("reports/integrity/", include("apps.integrity.urls")),
    path("reports/", include("apps.reports.urls")),
    path("targets/", include("apps.targets.urls")),
    path("departments/", include("apps.departments.urls")),
    path("standards/", include("apps.standards.urls")),
    path("api/", include("apps.api.urls")),
    path("admin/", admin.site.urls),
]
