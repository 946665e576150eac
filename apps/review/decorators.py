"""Who may open the review pages."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from apps.accounts.capabilities import can_watch_reviews


def reviewer_required(view):
    """Logged in and a reviewer (or a ministry/admin watcher); community users get 403."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not can_watch_reviews(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
