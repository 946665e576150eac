"""Server-side SVG charts (no JavaScript): horizontal bars with an optional target line.

The same markup is inlined in the pages and in the PDFs (WeasyPrint draws inline SVG)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

GREEN, GREY, RED, INK = "#1f7a4d", "#b9c7bf", "#c0392b", "#333"


def _alt(label: str, pairs) -> str:
    """A chart's text alternative: its label, then every value ("上海市 62%；北京市 48%"), so that
    a screen reader (and axe) get the figures the picture shows."""
    values = "；".join(f"{name} {'—' if v is None else f'{v * 100:.0f}%'}" for name, v in pairs)
    return "：".join(part for part in (label, values) if part)


def bar_chart(
    items: list[tuple[str, float | None]],
    *,
    target: float | None = None,
    width: int = 640,
    label_width: int = 150,
    bar_height: int = 16,
    gap: int = 6,
    title: str = "",
    label: str = "",
) -> SafeString:
    """Shares (0..1) as horizontal bars, one per label, with a dashed line at `target`. `label` names
    the chart for screen readers when it has no visible `title` (the page's heading says it)."""
    top = 28 if title else 8
    axis = 22
    plot = width - label_width - 60
    height = top + len(items) * (bar_height + gap) + axis
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_alt(title or label, items))}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        f"<title>{escape(_alt(title or label, items))}</title>",
    ]
    if title:
        parts.append(
            f'<text x="0" y="16" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>'
        )
    for i, (label, value) in enumerate(items):
        y = top + i * (bar_height + gap)
        v = max(0.0, min(1.0, value or 0.0))
        colour = GREEN if target is None or v >= target else GREY
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bar_height - 4}" text-anchor="end" fill="{INK}">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{plot * v:.1f}" height="{bar_height}" fill="{colour}"/>'
            f'<text x="{label_width + plot * v + 4:.1f}" y="{y + bar_height - 4}" fill="{INK}">'
            f"{'—' if value is None else f'{value * 100:.1f}%'}</text>"
        )
    base = top + len(items) * (bar_height + gap)
    for tick in (0, 0.2, 0.4, 0.6, 0.8, 1.0):
        x = label_width + plot * tick
        parts.append(
            f'<line x1="{x:.1f}" y1="{base}" x2="{x:.1f}" y2="{base + 4}" stroke="{INK}"/>'
            f'<text x="{x:.1f}" y="{base + 16}" text-anchor="middle" fill="{INK}">{int(tick * 100)}%</text>'
        )
    parts.append(
        f'<line x1="{label_width}" y1="{base}" x2="{label_width + plot}" y2="{base}" stroke="{INK}"/>'
    )
    if target is not None:
        x = label_width + plot * target
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base}" stroke="{RED}" stroke-width="1.5" '
            f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{top - 6 if top > 8 else top + 8}" fill="{RED}">'
            f"{int(target * 100)}%</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label is escaped above)


def pair_chart(
    items: list[tuple[str, float | None, float | None]], *, legend: tuple[str, str], width: int = 640
):
    """Two bars per label (e.g. rated met / confirmed by reviewers), shares 0..1."""
    label_width, bh, gap, top = 60, 8, 8, 24
    plot = width - label_width - 60
    height = top + len(items) * (2 * bh + gap) + 22
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="'
        f'{escape(_alt(legend[0], [(n, a) for n, a, _b in items]) + "。" + _alt(legend[1], [(n, b) for n, _a, b in items]))}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="10">',
        f'<rect x="{label_width}" y="4" width="10" height="10" fill="{GREEN}"/>'
        f'<text x="{label_width + 14}" y="13" fill="{INK}">{escape(legend[0])}</text>'
        f'<rect x="{label_width + 160}" y="4" width="10" height="10" fill="#6c8ebf"/>'
        f'<text x="{label_width + 174}" y="13" fill="{INK}">{escape(legend[1])}</text>',
    ]
    for i, (label, a, b) in enumerate(items):
        y = top + i * (2 * bh + gap)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + bh + 3}" text-anchor="end" fill="{INK}">{escape(label)}</text>'
        )
        for j, (value, colour) in enumerate(((a, GREEN), (b, "#6c8ebf"))):
            v = max(0.0, min(1.0, value or 0.0))
            yy = y + j * bh
            parts.append(
                f'<rect x="{label_width}" y="{yy}" width="{plot * v:.1f}" height="{bh - 1}" fill="{colour}"/>'
                f'<text x="{label_width + plot * v + 3:.1f}" y="{yy + bh - 1}" font-size="8" fill="{INK}">'
                f"{'—' if value is None else f'{value * 100:.0f}%'}</text>"
            )
    base = top + len(items) * (2 * bh + gap)
    for tick in (0, 0.5, 1.0):
        x = label_width + plot * tick
        parts.append(
            f'<text x="{x:.1f}" y="{base + 14}" text-anchor="middle" fill="{INK}">{int(tick * 100)}%</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308


def line_chart(
    points: list[tuple[str, float | None]],
    *,
    target: float | None = None,
    target_label: str = "",
    target_at: str | None = None,
    width: int = 640,
    height: int = 240,
    label: str = "",
) -> SafeString:
    """Shares (0..1) over years as a line with a dot and a label per year; a dashed line at
    `target`, and a marker on the year the target was due (`target_at`, e.g. "2022")."""
    left, right, top, bottom = 44, 16, 16, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    n = max(len(points), 1)
    step = plot_w / max(n - 1, 1)

    def x(i: int) -> float:
        return left + (i * step if n > 1 else plot_w / 2)

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(1.0, v)))

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(_alt(label, points))}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
    ]
    parts.extend(
        f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" stroke="#e3e9e5"/>'
        f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" fill="{INK}">{int(tick * 100)}%</text>'
        for tick in (0, 0.2, 0.4, 0.6, 0.8, 1.0)
    )
    if target is not None:
        parts.append(
            f'<line x1="{left}" y1="{y(target):.1f}" x2="{left + plot_w}" y2="{y(target):.1f}" stroke="{RED}" '
            f'stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    for i, (year, _value) in enumerate(points):
        parts.append(
            f'<text x="{x(i):.1f}" y="{height - 8}" text-anchor="middle" fill="{INK}">{escape(year)}</text>'
        )
        if target is not None and year == target_at:
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(target):.1f}" r="5" fill="none" stroke="{RED}" stroke-width="1.5"/>'
                f'<text x="{left + 4}" y="{y(target) - 6:.1f}" fill="{RED}">{escape(target_label)}</text>'
            )
    known = [(x(i), y(v), v) for i, (_year, v) in enumerate(points) if v is not None]
    if len(known) > 1:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _v in known)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{GREEN}" stroke-width="2.5"/>')
    for px, py, v in known:
        parts.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{GREEN}"/>'
            f'<text x="{px:.1f}" y="{py - 8:.1f}" text-anchor="middle" fill="{INK}">{v * 100:.1f}%</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label is escaped above)


# The 32 provincial units on a rough grid (column, row) of China: one square each, neighbours
# roughly where they are. Not a map: a published boundary map of China needs an approval number.
TILES = {
    "230000000000": (8, 0, "黑龙江"),
    "150000000000": (5, 1, "内蒙古"),
    "220000000000": (8, 1, "吉林"),
    "650000000000": (0, 2, "新疆"),
    "660000000000": (1, 2, "兵团"),
    "620000000000": (3, 2, "甘肃"),
    "640000000000": (4, 2, "宁夏"),
    "140000000000": (5, 2, "山西"),
    "130000000000": (6, 2, "河北"),
    "110000000000": (7, 2, "北京"),
    "210000000000": (8, 2, "辽宁"),
    "630000000000": (2, 3, "青海"),
    "610000000000": (4, 3, "陕西"),
    "410000000000": (5, 3, "河南"),
    "370000000000": (6, 3, "山东"),
    "120000000000": (7, 3, "天津"),
    "540000000000": (1, 4, "西藏"),
    "510000000000": (3, 4, "四川"),
    "500000000000": (4, 4, "重庆"),
    "420000000000": (5, 4, "湖北"),
    "340000000000": (6, 4, "安徽"),
    "320000000000": (7, 4, "江苏"),
    "530000000000": (3, 5, "云南"),
    "520000000000": (4, 5, "贵州"),
    "430000000000": (5, 5, "湖南"),
    "360000000000": (6, 5, "江西"),
    "330000000000": (7, 5, "浙江"),
    "310000000000": (8, 5, "上海"),
    "450000000000": (4, 6, "广西"),
    "440000000000": (5, 6, "广东"),
    "350000000000": (6, 6, "福建"),
    "460000000000": (5, 7, "海南"),
}
# Share bins (lower bound, colour): the darkest green from the target up.
SHARE_COLOURS = [(0.0, "#e7f1ec"), (0.2, "#b9dcc8"), (0.4, "#7fbf9c"), (0.6, "#1f7a4d")]
NO_REGISTRY = "#d9d9d9"


def share_colour(share: float | None) -> str:
    if share is None:
        return NO_REGISTRY
    colour = SHARE_COLOURS[0][1]
    for low, value in SHARE_COLOURS:
        if share >= low:
            colour = value
    return colour


def share_tile(unit: dict) -> dict:
    """The default look of a tile: coloured by the share meeting the requirements."""
    share = unit.get("share") if unit.get("registry_imported", True) else None
    text = "—" if share is None else f"{share * 100:.0f}%"
    return {
        "fill": share_colour(share),
        "ink": "#fff" if share is not None and share >= 0.4 else INK,
        "lines": [text],
        "title": text,
    }


def tile_map(
    units: list[dict],
    *,
    href=None,
    legend: list[tuple[str, str]] = (),
    no_registry_label: str = "",
    size: int = 58,
    gap: int = 4,
    label: str = "",
    style=share_tile,
    defs: str = "",
) -> SafeString:
    """The 32 provincial units as squares on a rough grid, each square drawn by `style(unit)` (a dict
    of fill, ink, the lines under the short name and the title text; by share unless told) and
    linked to `href(code)` when given. `units`: rows with code, share and registry_imported.
    `legend`: (text, fill) pairs, a fill may be a pattern of `defs` ("url(#id)")."""
    by_code = {u["code"]: u for u in units}
    cols, rows = 9, 8
    legend_h = 46  # two lines of legend
    width, height = cols * (size + gap), rows * (size + gap) + legend_h
    parts = [
        # With links the map is a group of links (each named by its <title>), not one image.
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart tilemap" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="{"group" if href else "img"}" '
        f'aria-label="{escape(label or _alt("", [(u.get("name", ""), u.get("share")) for u in units]))}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">',
        f"<defs>{defs}</defs>" if defs else "",
    ]
    for code, (col, row, short) in TILES.items():
        unit = by_code.get(code, {})
        look = style(unit)
        ink = look["ink"]
        x, y = col * (size + gap), row * (size + gap)
        # The short name, then one or two lines (the figure; the state in words when coloured by it).
        first = size / 2 - 3 if len(look["lines"]) == 1 else size / 2 - 10
        tile = [
            f'<rect x="{x}" y="{y}" width="{size}" height="{size}" rx="4" fill="{look["fill"]}"'
            f"{look.get('extra', '')}/>"
            f'<text x="{x + size / 2:.1f}" y="{y + first:.1f}" text-anchor="middle" fill="{ink}" '
            f'font-size="12">{escape(short)}</text>'
        ]
        for i, line in enumerate(look["lines"], start=1):
            tile.append(
                f'<text x="{x + size / 2:.1f}" y="{y + first + 15 * i:.1f}" text-anchor="middle" '
                f'fill="{ink}">{escape(line)}</text>'
            )
        title = f"<title>{escape(unit.get('name', short))} {escape(look['title'])}</title>"
        if href:
            parts.append(f'<a href="{escape(href(code))}">{title}{"".join(tile)}</a>')
        else:
            parts.append(f"<g>{title}{''.join(tile)}</g>")
    # The legend, wrapped onto as many lines as it needs (CJK characters are about twice as wide).
    y, x = rows * (size + gap) + 6, 0
    for text, colour in [*legend, (no_registry_label, NO_REGISTRY)]:
        item = 18 + sum(12 if ord(ch) > 0x2E80 else 7 for ch in text) + 14
        if x and x + item > width:
            x, y = 0, y + 20
        parts.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}" stroke="#999" stroke-width="0.5"/>'
            f'<text x="{x + 18}" y="{y + 11}" fill="{INK}">{escape(text)}</text>'
        )
        x += item
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label is escaped above)


def histogram(
    bins: list[dict],
    *,
    mark: float | None,
    maximum: float,
    width: int = 640,
    height: int = 220,
    mark_label: str = "",
    title: str = "",
) -> SafeString:
    """Counts per bin ({"from", "to", "count"}) as vertical bars over 0..maximum, with a dashed red
    line at `mark` (the pass mark): bars below it grey, from it green."""
    left, right, top, bottom = 40, 16, 30 if title else 18, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([b["count"] for b in bins] + [1])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
    ]
    if title:
        parts.append(
            f'<text x="0" y="16" font-size="13" font-weight="bold" fill="{INK}">{escape(title)}</text>'
        )
    base = top + plot_h

    def x_of(value: float) -> float:
        return left + plot_w * (value / maximum if maximum else 0)

    for b in bins:
        x0, x1 = x_of(b["from"]), x_of(b["to"])
        h = plot_h * b["count"] / peak
        colour = GREEN if mark is None or b["from"] >= mark else GREY
        parts.append(
            f'<rect x="{x0 + 1:.1f}" y="{base - h:.1f}" width="{max(0.0, x1 - x0 - 2):.1f}" height="{h:.1f}" '
            f'fill="{colour}"/>'
        )
        if b["count"]:
            parts.append(
                f'<text x="{(x0 + x1) / 2:.1f}" y="{base - h - 3:.1f}" text-anchor="middle" fill="{INK}">'
                f"{b['count']}</text>"
            )
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="{INK}"/>')
    edges = sorted({b["from"] for b in bins} | {b["to"] for b in bins})
    parts += [
        f'<line x1="{x_of(edge):.1f}" y1="{base}" x2="{x_of(edge):.1f}" y2="{base + 4}" stroke="{INK}"/>'
        f'<text x="{x_of(edge):.1f}" y="{base + 16}" text-anchor="middle" fill="{INK}">{edge:g}</text>'
        for edge in edges
    ]
    parts.append(
        f'<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{INK}"/>'
        f'<text x="{left - 6}" y="{top + 8}" text-anchor="end" fill="{INK}">{peak}</text>'
        f'<text x="{left - 6}" y="{base}" text-anchor="end" fill="{INK}">0</text>'
    )
    if mark is not None:
        x = x_of(mark)
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{base}" stroke="{RED}" stroke-width="1.5" '
            f'stroke-dasharray="4 3"/><text x="{x + 4:.1f}" y="{top - 2}" fill="{RED}">'
            f"{escape(mark_label)} {mark:g}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308  (every label is escaped above)
