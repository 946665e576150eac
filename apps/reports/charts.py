"""Server-side SVG charts (no JavaScript): horizontal bars with an optional target line.

The same markup is inlined in the pages and in the PDFs (WeasyPrint draws inline SVG)."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

GREEN, GREY, RED, INK = "#1f7a4d", "#b9c7bf", "#c0392b", "#333"


def bar_chart(
    items: list[tuple[str, float | None]],
    *,
    target: float | None = None,
    width: int = 640,
    label_width: int = 150,
    bar_height: int = 16,
    gap: int = 6,
    title: str = "",
) -> SafeString:
    """Shares (0..1) as horizontal bars, one per label, with a dashed line at `target`."""
    top = 28 if title else 8
    axis = 22
    plot = width - label_width - 60
    height = top + len(items) * (bar_height + gap) + axis
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'font-family="Noto Sans CJK SC, sans-serif" font-size="11">'
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
        f'viewBox="0 0 {width} {height}" font-family="Noto Sans CJK SC, sans-serif" font-size="10">',
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
