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
