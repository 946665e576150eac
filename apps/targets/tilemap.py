"""The national tile map coloured by distance to target: each provincial unit by its state against
the ministry's target for the year (met / on track / behind / no target), the state written on the
tile and in the legend, and drawn as a pattern too, so the map reads without colour."""

from django.utils.translation import gettext as _

from apps.reports import charts

from .selectors import BEHIND, MET, ON_TRACK

# State -> (fill, ink). Behind is hatched, on track dotted, met solid: told apart in grey too.
LOOKS = {
    MET: ("#1f7a4d", "#fff"),
    ON_TRACK: ("url(#tgt-dots)", "#1a3d6e"),
    BEHIND: ("url(#tgt-hatch)", "#7a1a10"),
    None: ("#fff", "#333"),
}
DEFS = (
    '<pattern id="tgt-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="8" height="8" fill="#fbe3df"/>'
    '<line x1="0" y1="0" x2="0" y2="8" stroke="#e7a89d" stroke-width="3"/></pattern>'
    '<pattern id="tgt-dots" width="8" height="8" patternUnits="userSpaceOnUse">'
    '<rect width="8" height="8" fill="#e3eefc"/><circle cx="4" cy="4" r="1.4" fill="#9dbbe6"/></pattern>'
)


def labels() -> dict:
    return {MET: _("Met"), ON_TRACK: _("On track"), BEHIND: _("Behind"), None: _("No target")}


def _pct(value) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"


def target_style(rows: dict):
    """The tile style for `charts.tile_map`: `rows` are `selectors.progress_rows` by code."""
    words = labels()

    def style(unit: dict) -> dict:
        row = rows.get(unit.get("code")) or {}
        if not unit.get("registry_imported", True) or row.get("share_pct") is None:
            return charts.share_tile({**unit, "share": None})
        state = row.get("state")
        fill, ink = LOOKS[state]
        actual = _pct(row["share_pct"])
        if state is None:
            return {
                "fill": fill,
                "ink": ink,
                "lines": [actual, words[None]],
                "title": f"{actual} {words[None]}",
                "extra": ' stroke="#999" stroke-dasharray="3 2"',
            }
        target = _pct(row["target_meeting"])
        gap = row["gap"]
        title = _("%(actual)s against a target of %(target)s (%(gap)s points): %(state)s") % {
            "actual": actual,
            "target": target,
            "gap": f"{gap:+.1f}",
            "state": words[state],
        }
        return {"fill": fill, "ink": ink, "lines": [f"{actual}/{target}", words[state]], "title": title}

    return style


def target_tile_map(rows: list[dict], units: list[dict], *, href=None):
    """The units of `units` (the national figures' rows) coloured by their state in `rows`."""
    words = labels()
    return charts.tile_map(
        units,
        href=href,
        style=target_style({r["code"]: r for r in rows}),
        defs=DEFS,
        legend=[
            (_("Met: target reached"), LOOKS[MET][0]),
            (_("On track: enough participating to reach it"), LOOKS[ON_TRACK][0]),
            (words[BEHIND], LOOKS[BEHIND][0]),
            (words[None], LOOKS[None][0]),
        ],
        no_registry_label=_("Registry not imported"),
        label=_("Provincial units by distance to their target: actual/target share meeting the requirements"),
    )
