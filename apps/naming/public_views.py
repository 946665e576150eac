"""The public pages of the naming (no login): the published batches, each batch's list by city and
district, the objection form, and the official-document PDFs. Public facts only: names, areas and
confirmed totals; never an objector, an objection's text, evidence or statements.

The batch page's list is cached and invalidated on every change of the batch
(apps.naming.public_cache). Objections are throttled per address and capped per batch and day
(settings.OBJECTION_PER_ADDRESS_HOUR, OBJECTION_PER_BATCH_DAY) with cache counters, so a flood never
reaches the database; what was typed comes back with every refusal."""

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import ServiceError

from . import documents, objections, procedure, public_cache, selectors
from .forms import ObjectionForm
from .throttling import objection_refusal
from .views import _criteria, _form_error


def _public_batch(pk):
    batch = selectors.public_batch(pk)
    if batch is None:
        raise Http404
    return batch


@require_GET
def public_batch(request, pk):
    """A published batch: its list by city and district. The list (the page's whole cost for a
    batch of thousands) is rendered once and cached until the batch changes; the page around it
    carries each reader's own CSRF token and messages, so it is never cached whole."""
    batch = _public_batch(pk)
    key = public_cache.page_key(batch.pk, translation.get_language() or "")
    listing = cache.get(key)
    if listing is None:
        rows = selectors.batch_rows(batch, include_left=False)
        if batch.state == procedure.BatchState.NAMED:
            rows = [r for r in rows if r.state == procedure.EntryState.NAMED]
        listing = render_to_string(
            "naming/_public_list.html",
            {
                "batch": batch,
                "groups": selectors.grouped_by_area(rows),
                "count": len(rows),
                "scored": any(r.confirmed_total is not None for r in rows),
            },
        )
        cache.set(key, listing, settings.PUBLIC_BATCH_CACHE_SECONDS)
    return render(
        request,
        "naming/public_batch.html",
        {
            "batch": batch,
            "listing": mark_safe(listing),  # noqa: S308  (rendered by our own template, escaped there)
            "open": procedure.accepts_public_objections(batch, selectors.today()),
        },
    )


@require_http_methods(["GET", "POST"])
def public_objection(request, pk):
    """The objection form of a batch in public notice; after the period it says when it closed."""
    batch = _public_batch(pk)
    today = selectors.today()
    rows = selectors.batch_rows(batch, include_left=False)
    status = 200
    form = ObjectionForm(request.POST or None)
    closed = not procedure.accepts_public_objections(batch, today)
    if request.method == "POST":
        if closed:
            form.is_valid()
            form.add_error(
                None,
                _(
                    "The public notice of this batch closed on %(end)s: objections are no longer accepted here."
                )
                % {"end": batch.notice_end},
            )
            status = 409
        elif not form.is_valid():
            status = 400
        else:
            refusal = objection_refusal(request, batch)
            if refusal:
                form.add_error(None, refusal)
                status = 429
            else:
                try:
                    objections.objection_submit(
                        batch=batch, **form.objection_input(request.FILES.getlist("files"))
                    )
                except ServiceError as exc:
                    _form_error(form, exc)
                    status = exc.status
                else:
                    messages.success(
                        request,
                        _(
                            "Your objection was received. The provincial department will check it; your name and phone are seen only by its staff."
                        ),
                    )
                    return redirect("public:batch", pk=batch.pk)
    return render(
        request,
        "naming/public_objection.html",
        {"batch": batch, "form": form, "rows": rows, "criteria": _criteria(batch), "closed": closed},
        status=status,
    )


@require_GET
def public_batch_pdf(request, pk, kind):
    return documents.pdf_response(_public_batch(pk), kind)
