"""History of accounts: every change an administrator makes to a user is appended to the
hash-chained account history (`apps.core.history`)."""

from django.db import transaction

from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

from .models import User

SCOPE_FIELDS = ("role", "region_id", "community_id", "is_staff", "is_superuser")
TRACKED_FIELDS = ("username", "display_name", "email", "first_name", "last_name", *SCOPE_FIELDS)


def account_province_id(user: User) -> str | None:
    """The provincial unit whose staff may read this account's history (None: nationwide accounts)."""
    if user.community_id:
        return user.community.province_id
    if user.region_id:
        return user.region.province_id or user.region_id
    return None


def account_snapshot(user: User) -> dict:
    """What the history remembers of an account (never the password hash)."""
    return {name: getattr(user, name) for name in (*TRACKED_FIELDS, "is_active")}


def _append(*, actor: User | None, user: User, action: str, data: dict) -> None:
    trace_append(
        kind=TraceKind.ACCOUNT,
        action=action,
        actor=actor,
        subject=str(user.pk),
        subject_label=user.username,
        province_id=account_province_id(user),
        data=data,
    )


def account_save(*, actor: User, user: User, before: dict | None) -> User:
    """Save an account changed by an administrator and record what changed (created, role or scope
    changed, deactivated/reactivated, other fields) in the same transaction. `before` is
    `account_snapshot()` of the stored row, None for a new account. Called by the admin."""
    with transaction.atomic():
        user.save()
        after = account_snapshot(user)
        if before is None:
            _append(actor=actor, user=user, action=TraceAction.CREATED, data={"after": after})
            return user
        changed = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
        if not changed:
            return user
        if "is_active" in changed:
            action = TraceAction.REACTIVATED if user.is_active else TraceAction.DEACTIVATED
        elif any(k in changed for k in SCOPE_FIELDS):
            action = TraceAction.ROLE_CHANGED
        else:
            action = TraceAction.CHANGED
        _append(actor=actor, user=user, action=action, data={"changed": changed})
    return user


def account_delete(*, actor: User, user: User) -> None:
    """Delete an account (administrators only, through the admin); the history keeps the entry."""
    with transaction.atomic():
        _append(actor=actor, user=user, action=TraceAction.DELETED, data={"before": account_snapshot(user)})
        user.delete()


def account_password_reset(*, actor: User, user: User) -> None:
    """Record that an administrator set a new password for an account (the password is not kept)."""
    _append(actor=actor, user=user, action=TraceAction.PASSWORD_RESET, data={})


def account_unlocked(*, actor: User | None, username: str, ip_address: str | None = None) -> None:
    """Record that a login lockout of `username` was lifted (admin or `axes_reset_username`)."""
    user = User.objects.select_related("region", "community").filter(username=username).first()
    trace_append(
        kind=TraceKind.ACCOUNT,
        action=TraceAction.UNLOCKED,
        actor=actor,
        subject=str(user.pk) if user else "",
        subject_label=username,
        province_id=account_province_id(user) if user else None,
        data={"ip_address": ip_address},
    )
