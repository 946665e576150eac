"""The rows of the community list, written in Python: 50 rows of six cells through the template
engine, with four region instances per row, were most of the list's page (issue 29,
docs/benchmarks.md). The markup is the template's of before, character for character; every value
is escaped as the template escaped it (`apps.core.escape.esc`)."""

from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from apps.core.escape import esc


def community_rows_prepare(rows) -> None:
    """Set `row`, its `<tr>`, on each community of a page read with
    `selectors.community_list_columns` (the regions' names as `street_name` …)."""
    url = esc(reverse("communities:list"))  # a row's link is <list>/<code>/: one reverse per page
    retired = esc(_("Retired"))
    for c in rows:
        code = esc(c.code)
        badge = (
            f' <span\n        class="badge badge-revoked">{retired} {c.retired_on.strftime("%Y-%m-%d")}</span>'
            if c.retired_on
            else ""
        )
        c.row = mark_safe(
            f'\n    <tr><td class="mono">{code}</td><td><a href="{url}{code}/">{esc(c.name)}</a>{badge}</td>'
            f"<td>{esc(c.street_name)}</td><td>{esc(c.county_name)}</td>"
            f"\n        <td>{esc(c.city_name or '—')}</td><td>{esc(c.province_name)}</td></tr>\n  "
        )
