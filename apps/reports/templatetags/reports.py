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
def get(mapping, key):
    """mapping[key] in a template ({{ row.waiting|get:level }}); 0 when missing."""
    return (mapping or {}).get(key, 0)


@register.simple_tag
def level_label(level: str) -> str:
    """ "Waiting for the … review" of a review level."""
    from ..presenters import LEVEL_LABELS

    return str(LEVEL_LABELS.get(level, level))
