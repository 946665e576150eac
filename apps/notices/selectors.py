"""Reads of notices: only ever the signed-in user's own."""

from django.db.models import QuerySet

from .models import Notice


def notice_list(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-id")


def notice_unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()
