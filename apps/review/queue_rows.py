"""The rows of the reviewers' queue, written in Python: a page of 50 rows through the template
engine (some fifteen variables, filters, includes and translations per row) was a third of the
province's queue page (issue 29, docs/benchmarks.md); written here they cost a tenth of that.
Every value goes through `format_html` (escaped as the template escaped it); the markup is the
template's of before, character for character (the queue's tests read it)."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from apps.assessments.scores import score_text
from apps.core.campaign import community_submission_late

from . import workflow

SITE_TOTAL = "sitechecks/_queue_site_total.html"  # what apps.sitechecks adds (its QUEUE_ROWS hook)

ROW = (
    "\n    <tr>\n      {}"
    '\n      <td><a href="{}{}/">{}</a><div class="mono muted">{}</div></td>'
    '\n      <td class="hide-sm">{}</td><td class="hide-sm">{}</td>'
    "\n      <td>{}</td>"
    '\n      <td><span class="badge badge-{}" data-level="{}">{}</span></td>'
    '\n      <td class="num">{}</td>'
    '\n      <td class="num">{}</td>'
    "\n      {}"
    '\n      <td class="nowrap">{}{}</td>'
    "\n    </tr>\n  "
)


def queue_rows_prepare(rows, *, user, can_bulk: bool) -> None:
    """Set on each row (assessments of one page, read through the scoped queue selector) `bulk_ok`
    (bulk approval offers it) and `row`, its `<tr>`. Run after the queue's hooks (the score cell
    shows the site check's total)."""
    url = reverse("review:queue")  # a row's link is <queue>/<pk>/: one reverse per page
    labels: dict[tuple, str] = {}  # the status label depends on state, level and chain only
    bulk = workflow.approvable_in_bulk(user, rows) if can_bulk else [False] * len(rows)
    not_ready = _("Not ready for approval now: open it to decide.")
    late = format_html(' <span class="late-flag" data-testid="late">{}</span>', _("late"))
    for a, bulk_ok in zip(rows, bulk, strict=True):
        key = (a.state, a.review_level, a.review_chain)
        if key not in labels:
            labels[key] = workflow.status_label(a)
        a.bulk_ok = bulk_ok
        name = a.community.name
        if not can_bulk:
            select = ""
        elif bulk_ok:
            label = mark_safe(_("Select %(name)s") % {"name": conditional_escape(name)})  # as blocktranslate
            select = format_html(
                '<td class="select-col"><input type="checkbox" name="ids" value="{}"\n        aria-label="{}"></td>',
                a.pk,
                label,
            )
        else:
            select = format_html(
                '<td class="select-col"><span class="muted"\n        title="{}">—</span></td>', not_ready
            )
        a.row = format_html(
            ROW,
            select,
            url,
            a.pk,
            name,
            a.community_id,
            a.street.name,
            a.county.name,
            a.year,
            a.state,
            a.review_level,
            labels[key],
            a.round,
            format_html('<strong class="warn">{}</strong>', a.not_met_count) if a.not_met_count else "0",
            score_cell(a),
            timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "—",
            late if community_submission_late(a) else "",
        )


def score_cell(a) -> SafeString:
    """The score column: the confirmed total (in warning colour below the pass mark), else the
    self-score, against the pass mark; "—" under a standard without points; then the site check's
    total when it has one."""
    standard = a.standard
    if standard.is_scored:
        mark = standard.pass_mark
        if a.confirmed_total is not None:
            warn = mark is not None and a.confirmed_total < mark
            shown = format_html(
                "<strong{}>{}</strong>",
                mark_safe('\n  class="warn"') if warn else "",
                score_text(a.confirmed_total),
            )
        else:
            own = score_text(a.self_total)
            shown = format_html('<span class="muted"\n  title="{}">{}</span>', _("Self-score"), own or "—")
        value = format_html("{} / {}", shown, score_text(mark))
    else:
        value = mark_safe("—")
    site = render_to_string(SITE_TOTAL, {"a": a}) if getattr(a, "site_total", None) is not None else ""
    return format_html('<td class="num"\n  data-testid="queue-score">{}{}</td>\n', value, site)
