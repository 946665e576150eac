"""Account and registry history in the caller's scope: a paged page and a streamed CSV export."""

import json

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apps.core import campaign
from apps.core.exports import stream_csv
from apps.core.models import TraceEvent, TraceKind

from .capabilities import can_read_history
from .history_text import readable_changes
from .scoping import province_scope_q

PAGE_SIZE = 50


def history_for(user, kind: str | None):
    """The history a user may read: provincial staff their unit, the ministry and administrators all;
    anyone else is refused (403)."""
    if not can_read_history(user):
        raise PermissionDenied
    rows = TraceEvent.objects.filter(province_scope_q(user)).select_related("actor", "province")
    if kind in TraceKind.values:
        rows = rows.filter(kind=kind)
    return rows.order_by("-id")


@login_required
@require_GET
def history(request):
    kind = request.GET.get("kind") or ""
    rows = history_for(request.user, kind)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.changes = readable_changes(event.data, event.kind)
    return render(
        request,
        "accounts/history.html",
        {"page": page, "kind": kind, "kinds": TraceKind.choices},
    )


@login_required
@require_GET
def history_export(request):
    kind = request.GET.get("kind") or ""
    rows = history_for(request.user, kind)
    header = [
        _("Time"),
        _("Kind"),
        _("Action"),
        _("Subject"),
        _("Name"),
        _("Provincial unit"),
        _("By"),
        _("Role"),
        _("Details"),
        "prev_hash",
        "hash",
    ]
    kinds, actions = dict(TraceKind.choices), dict(TraceEvent._meta.get_field("action").choices)
    kinds = {k: str(v) for k, v in kinds.items()}
    actions = {k: str(v) for k, v in actions.items()}

    def lines():
        for e in rows.iterator(chunk_size=2000):
            yield [
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                kinds.get(e.kind, e.kind),
                actions.get(e.action, e.action),
                e.subject,
                e.subject_label,
                e.province.name if e.province_id else "",
                e.actor.username if e.actor_id else "",
                e.actor_role,
                json.dumps(e.data, ensure_ascii=False, default=str),
                e.prev_hash,
                e.hash,
            ]

    return stream_csv(filename=f"history-{campaign.today():%Y%m%d}.csv", header=header, rows=lines())
