"""{% naming_stages year province_id %}: the proposed, in-公示, held and named counts of a year,
shown beside "meeting the requirements" on the dashboards (apps.naming.selectors.naming_counts)."""

from django import template

from apps.naming import procedure, selectors

register = template.Library()


@register.inclusion_tag("naming/_stages.html", takes_context=True)
def naming_stages(context, year, province_id=None):
    counts = selectors.naming_counts(year=int(year), province_id=province_id or None)
    return {
        "year": year,
        "stages": [(key, procedure.stage_label(key), n) for key, n in counts.items()],
        "caps": context.get("caps"),
        "any": any(counts.values()),
    }
