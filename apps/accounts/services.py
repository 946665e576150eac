"""History of accounts: every change an administrator makes to a user is appended to the
hash-chained account history (`apps.core.history`)."""

import contextvars

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.core.errors import ServiceError
from apps.core.models import TraceAction, TraceKind
from apps.core.trace import trace_append

from .models import User

ONE_TIME_USED_MESSAGE = _(
    "This one-time password has already been used to sign in: it works only once. Ask the level above "
    "you (your street office, county, city or provincial housing department) for a new one."
)

SCOPE_FIELDS = ("role", "region_id", "community_id", "is_staff", "is_superuser")
TRACKED_FIELDS = ("username", "display_name", "email", "first_name", "last_name", *SCOPE_FIELDS)


def account_province_id(user: User) -> str | None:
    """The provincial unit whose staff may read this account's history (None: nationwide accounts)."""
    if user.community:
        return user.community.province_id
    if user.region:
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


# Set while a manager lifts a lockout: the AccessAttempt deletions then add no entries of their own.
LIFTING_LOCKOUT = contextvars.ContextVar("lifting_lockout", default=False)


# --- Everyday care by the account's user and by the level above (apps.accounts.managing) -------


def _locked(user: User) -> User:
    return User.objects.select_for_update(of=("self",)).select_related("region", "community").get(pk=user.pk)


def account_password_change(*, user: User, new_password: str) -> User:
    """The user chose a new password (own change page, forced first change, e-mailed reset link):
    hashed the usual way; a one-time password and the forced change end."""
    from . import onetime

    with transaction.atomic():
        row = _locked(user)
        row.set_password(new_password)
        onetime.clear(row)
        forced = row.must_change_password
        row.must_change_password = False
        row.save()
        _append(
            actor=user, user=row, action=TraceAction.CHANGED, data={"password": "changed", "forced": forced}
        )
    user.password = row.password
    user.must_change_password = False
    return row


def account_one_time_sign_in(*, user: User) -> None:
    """The one-time password of `user` just signed in: it is used up (a second sign-in with it is
    refused). One conditional UPDATE, so that two sign-ins racing with the same password cannot both
    pass: the loser gets ServiceError(code="one_time_used"). Called by the sign-in form only (not by
    the token endpoint, which refuses such accounts without using their password up)."""
    from django.utils import timezone

    now = timezone.now()
    updated = (
        User.objects.filter(pk=user.pk, one_time_used__isnull=True)
        .exclude(one_time_hash="")
        .update(one_time_used=now)
    )
    if not updated:
        raise ServiceError(ONE_TIME_USED_MESSAGE, code="one_time_used")
    user.one_time_used = now


def account_reset_by_manager(*, actor: User, user: User) -> str:
    """The level above gives the account a new one-time password (returned once, kept only as a
    keyed hash); its password stops working and the next sign-in must choose a new one."""
    from . import onetime
    from .managing import account_manage_check

    with transaction.atomic():
        row = _locked(user)
        account_manage_check(actor, row)
        code = onetime.issue(row)
        row.save()
        _append(
            actor=actor,
            user=row,
            action=TraceAction.PASSWORD_RESET,
            data={"one_time_expires": row.one_time_expires.isoformat()},  # type: ignore[union-attr]
        )
    return code


def account_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate or reactivate an account of the level below."""
    from .managing import account_manage_check

    with transaction.atomic():
        row = _locked(user)
        account_manage_check(actor, row)
        if row.is_active == active:
            return row
        row.is_active = active
        row.save(update_fields=["is_active"])
        _append(
            actor=actor,
            user=row,
            action=TraceAction.REACTIVATED if active else TraceAction.DEACTIVATED,
            data={"changed": {"is_active": [not active, active]}},
        )
    return row


def account_lift_lockout(*, actor: User, user: User) -> int:
    """Lift the login lockout of an account of the level below (every address): django-axes'
    attempts for its username are removed. Returns how many were."""
    from axes.utils import reset

    from .managing import account_manage_check

    account_manage_check(actor, user)
    token = LIFTING_LOCKOUT.set(True)  # one entry with the acting user, not one per attempt
    try:
        with transaction.atomic():
            removed = reset(username=user.username)
            account_unlocked(actor=actor, username=user.username)
    finally:
        LIFTING_LOCKOUT.reset(token)
    return removed


def account_contact_update(*, user: User, email: str, phone: str) -> User:
    """The user's own e-mail address and phone number for notices."""
    from apps.core.text import text_check

    email = text_check(email, field="email", label=_("E-mail")).strip()
    phone = text_check(phone, field="phone", label=_("Phone")).strip()
    with transaction.atomic():
        row = _locked(user)
        changed = {
            k: [getattr(row, k), v] for k, v in (("email", email), ("phone", phone)) if getattr(row, k) != v
        }
        if not changed:
            return row
        row.email, row.phone = email, phone
        row.save(update_fields=["email", "phone"])
        _append(actor=user, user=row, action=TraceAction.CHANGED, data={"changed": changed})
    user.email, user.phone = email, phone
    return row
