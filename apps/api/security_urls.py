"""/accounts/security/: the signed-in user's API tokens and two-factor sign-in."""

from django.urls import path

from . import security_views as views

app_name = "security"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("twofactor/setup/", views.twofactor_setup, name="twofactor-setup"),
    path("twofactor/verify/", views.twofactor_verify, name="twofactor-verify"),
    path("twofactor/reset/<id:pk>/", views.twofactor_reset, name="twofactor-reset"),
]
