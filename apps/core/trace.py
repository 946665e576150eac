"""Appending to the account, registry and settings history (`TraceEvent`)."""

from django.db import transaction
from django.utils import timezone

from .history import lock_chain
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

    Entries of one chain are appended one at a time (advisory lock), so the chain is linear in id
    order. Called only by the services of apps.accounts and apps.communities."""
    with transaction.atomic():
        lock_chain(kind)
        previous = TraceEvent.objects.filter(kind=kind).order_by("-id").values_list("hash", flat=True).first()
        event = TraceEvent(
            kind=kind,
            at=timezone.now(),
            actor=actor if getattr(actor, "pk", None) else None,
            actor_role=getattr(actor, "role", "") or "",
            action=action,
            subject=str(subject)[:150],
            subject_label=str(subject_label)[:200],
            province_id=province_id,
            data=data or {},
            prev_hash=previous or "",
        )
        event.hash = event.compute_hash()
        event.save()
    return event
