"""Receivers that keep the menu's unread count (selectors.notice_unread_count) current."""

from apps.core import versioned

from .selectors import unread_version


def notice_changed(*, instance, **_signal) -> None:
    versioned.drop(unread_version(instance.recipient_id))
