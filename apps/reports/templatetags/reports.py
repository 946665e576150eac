from django import template

from apps.reports.presenters import waiting_levels

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
def get(mapping, key):
    """mapping[key] in a template ({{ row.waiting|get:level }}); 0 when missing."""
    return (mapping or {}).get(key, 0)


@register.filter
def waiting_levels_of(figures: dict) -> list[tuple[str, str]]:
    """(level, label) of each review level whose "waiting" figure a table shows (the chain stored
    with the figures)."""
    return waiting_levels(figures)
