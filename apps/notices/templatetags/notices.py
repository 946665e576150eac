from django import template

from apps.notices.selectors import notice_unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notice_count(context) -> int:
    """Unread notices of the logged-in user: one COUNT on the (recipient, read_at) index."""
    request = context.get("request")
    return notice_unread_count(user=getattr(request, "user", None)) if request else 0
