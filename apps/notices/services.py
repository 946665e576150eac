"""Notices to users: an in-app notice now, and an e-mail after commit. The one notify path of the
review workflow and the reports."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import versioned

from .models import Notice
from .selectors import unread_version


def notice_mark_read(*, user, pk: int | None = None) -> int:
    """Mark one of the user's own notices read (or all of them when pk is None). Only the recipient's
    unread rows are touched, so it is idempotent; returns how many changed."""
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    changed = qs.update(read_at=timezone.now())
    if changed:
        versioned.drop(unread_version(user.pk))
    return changed


def notices_read_for(*, user, assessment=None, url: str = "") -> int:
    """The user opened the thing their notices are about (an assessment, through the community's
    page or the review page, given as the object or its pk; a report, by its address): those
    notices are read now."""
    if not getattr(user, "is_authenticated", False) or (assessment is None and not url):
        return 0
    qs = Notice.objects.filter(recipient=user, read_at__isnull=True)
    qs = qs.filter(assessment=assessment) if assessment is not None else qs.filter(url=url)
    changed = qs.update(read_at=timezone.now())
    if changed:
        versioned.drop(unread_version(user.pk))
    return changed


def notify_users(*, users, text: str, url: str, assessment=None) -> None:
    """An in-app notice to each user now, and one e-mail to those with an address after commit
    (so a rolled-back decision never mails)."""
    users = list(users)
    Notice.objects.bulk_create(
        [Notice(recipient=u, assessment=assessment, text=text[:500], url=url) for u in users]
    )
    versioned.drop(*(unread_version(u.pk) for u in users))
    recipients = [u.email for u in users if u.email]
    if recipients:
        subject = _("Green Community Creation Action") + " · " + text[:60]
        transaction.on_commit(
            lambda: send_mail(
                subject, text + "\n\n" + url, settings.DEFAULT_FROM_EMAIL, recipients, fail_silently=True
            )
        )
