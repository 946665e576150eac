from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (language is chosen by cookie/header, not URL)
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from apps.accounts.forms import LoginForm
from apps.core import history_views
from apps.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("history/", history_views.history, name="history"),
    path("history/export.csv", history_views.history_export, name="history_export"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("communities/", include("apps.communities.urls")),
    path("assessments/", include("apps.assessments.urls")),
    path("review/", include("apps.assessments.review_urls")),
    path("public/", include("apps.assessments.public_urls")),
    path("notices/", include("apps.assessments.notice_urls")),
    path("reports/", include("apps.reports.urls")),
    path("standards/", include("apps.standards.urls")),
    path("api/", include("apps.api.urls")),
    path("admin/", admin.site.urls),
]
