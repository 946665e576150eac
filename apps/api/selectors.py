"""Reads of API tokens."""

from .models import ApiToken


def tokens_of(user):
    """The user's own tokens, newest first (expired ones included, marked by their date)."""
    return ApiToken.objects.filter(user=user).order_by("-created", "-id")
