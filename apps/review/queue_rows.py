"""The rows of the reviewers' queue, written in Python: a page of 50 rows through the template
engine (some fifteen variables, filters, includes and translations per row) was a third of the
province's queue page (issue 29, docs/benchmarks.md). The markup is the template's of before,
character for character; every value from the database or a catalogue is escaped as the template
escaped it (`apps.core.escape.esc`)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from apps.assessments.scores import score_text
from apps.core.campaign import community_submission_late
from apps.core.escape import esc

from . import workflow

SITE_TOTAL = "sitechecks/_queue_site_total.html"  # what apps.sitechecks adds (its QUEUE_ROWS hook)


def queue_rows_prepare(rows, *, user, can_bulk: bool) -> None:
    """Set on each row (assessments of one page, read through the scoped queue selector) `bulk_ok`
    (bulk approval offers it) and `row`, its `<tr>`. Run after the queue's hooks (the score cell
    shows the site check's total)."""
    url = esc(reverse("review:queue"))  # a row's link is <queue>/<pk>/: one reverse per page
    labels: dict[tuple, str] = {}  # the status label depends on state, level and chain only
    bulk = workflow.approvable_in_bulk(user, rows) if can_bulk else [False] * len(rows)
    select_label = _("Select %(name)s")  # as {% blocktranslate %}: the name escaped, not the text
    # The translations stay outside the f-strings below: makemessages does not read inside them.
    not_ready_title = esc(_("Not ready for approval now: open it to decide."))
    not_ready = f'<td class="select-col"><span class="muted"\n        title="{not_ready_title}">—</span></td>'
    late_word = esc(_("late"))
    late = f' <span class="late-flag" data-testid="late">{late_word}</span>'
    for a, bulk_ok in zip(rows, bulk, strict=True):
        key = (a.state, a.review_level, a.review_chain)
        if key not in labels:
            labels[key] = esc(workflow.status_label(a))
        a.bulk_ok = bulk_ok
        name = esc(a.community_name)
        if not can_bulk:
            select = ""
        elif bulk_ok:
            select = (
                f'<td class="select-col"><input type="checkbox" name="ids" value="{a.pk}"\n'
                f'        aria-label="{select_label % {"name": name}}"></td>'
            )
        else:
            select = not_ready
        not_met = f'<strong class="warn">{a.not_met_count}</strong>' if a.not_met_count else "0"
        submitted = timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "—"
        a.row = mark_safe(
            f"\n    <tr>\n      {select}"
            f'\n      <td><a href="{url}{a.pk}/">{name}</a><div class="mono muted">{esc(a.community_id)}</div></td>'
            f'\n      <td class="hide-sm">{esc(a.street_name)}</td><td class="hide-sm">{esc(a.county_name)}</td>'
            f"\n      <td>{a.year}</td>"
            f'\n      <td><span class="badge badge-{esc(a.state)}" data-level="{esc(a.review_level)}">{labels[key]}</span></td>'
            f'\n      <td class="num">{a.round}</td>'
            f'\n      <td class="num">{not_met}</td>'
            f"\n      {score_cell(a)}"
            f'\n      <td class="nowrap">{submitted}{late if community_submission_late(a) else ""}</td>'
            "\n    </tr>\n  "
        )


def score_cell(a) -> SafeString:
    """The score column: the confirmed total (in warning colour below the pass mark), else the
    self-score, against the pass mark; "—" under a standard without points; then the site check's
    total when it has one."""
    standard = a.standard
    if standard.is_scored:
        mark = standard.pass_mark
        if a.confirmed_total is not None:
            warn = '\n  class="warn"' if mark is not None and a.confirmed_total < mark else ""
            shown = f"<strong{warn}>{score_text(a.confirmed_total)}</strong>"
        else:
            own = score_text(a.self_total) or "—"
            title = esc(_("Self-score"))
            shown = f'<span class="muted"\n  title="{title}">{own}</span>'
        value = f"{shown} / {score_text(mark)}"
    else:
        value = "—"
    site = render_to_string(SITE_TOTAL, {"a": a}) if getattr(a, "site_total", None) is not None else ""
    return mark_safe(f'<td class="num"\n  data-testid="queue-score">{value}{site}</td>\n')
