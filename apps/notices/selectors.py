"""Reads of notices: only ever the signed-in user's own."""

from django.db.models import QuerySet

from apps.core import versioned

from .models import Notice


def notice_list(*, user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_version(user_id: int) -> str:
    """The version of one user's unread count (apps.core.versioned): every write to the user's
    notices drops it (services.py, and the model's signals for any other save or delete)."""
    return f"notices-unread:{user_id}"


def notice_unread_count(*, user) -> int:
    """The menu's count of the user's unread notices, on every page: one COUNT on the
    (recipient, read_at) index, kept in the shared cache until the user's notices change."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return versioned.cached(
        unread_version(user.pk),
        "count",
        lambda: Notice.objects.filter(recipient=user, read_at__isnull=True).count(),
    )
