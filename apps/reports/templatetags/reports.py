from django import template

register = template.Library()


@register.filter
def pct(value) -> str:
    """A share 0..1 as a percentage with one decimal ("—" when undefined)."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.1f}%"


@register.filter
def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


@register.filter
def waiting_rows(figures: dict) -> list[tuple[str, str, int]]:
    """(level key, label, count) for each level of the chain stored with the figures, from the
    totals (or from one row: `row|waiting_cells:figures`)."""
    from apps.reports.presenters import waiting_levels

    totals = (figures or {}).get("totals", {})
    return [(key, label, totals.get(f"waiting_{key}", 0)) for key, label in waiting_levels(figures)]


@register.filter
def waiting_cells(row: dict, figures: dict) -> list[int]:
    from apps.reports.presenters import waiting_levels

    return [row.get(f"waiting_{key}", 0) for key, _label in waiting_levels(figures)]


@register.filter
def waiting_levels_of(figures: dict) -> list[tuple[str, str]]:
    from apps.reports.presenters import waiting_levels

    return waiting_levels(figures)
