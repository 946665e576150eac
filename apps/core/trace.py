"""Appending to the account, registry and settings history (`TraceEvent`)."""

from django.utils import timezone

from .history import chain_append
from .models import TraceEvent


def trace_append(
    *,
    kind: str,
    action: str,
    actor=None,
    subject: str = "",
    subject_label: str = "",
    province_id: str | None = None,
    data: dict | None = None,
):
    """Append one entry to the `kind` chain ("account" or "registry"), in the caller's transaction.

    Through the one append path (apps.core.history.chain_append): the chain stays linear in id
    order. Called only by the services of apps.accounts and apps.communities."""
    return chain_append(
        TraceEvent,
        kind=kind,
        at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        subject=str(subject)[:150],
        subject_label=str(subject_label)[:200],
        province_id=province_id,
        data=data or {},
    )
