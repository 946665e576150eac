"""/accounts/security/: the signed-in user's API tokens and two-factor sign-in."""

from django.urls import path

from . import security_views as views

app_name = "security"

urlpatterns = [
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
