"""Public objections (page and API alike): at most settings.OBJECTION_PER_ADDRESS_HOUR per client
address and hour, and settings.OBJECTION_PER_BATCH_DAY per batch and day, counted in the cache
(atomic increments), so a flood is refused before it reaches the database."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.proxies import client_address


def objection_refusal(request, batch) -> str | None:
    """The refusal of one more objection from this address (this hour) or for this batch (today),
    or None, counting this one."""
    now = timezone.localtime()
    address = client_address(request) or "unknown"
    limits = (
        (
            f"naming:objections:addr:{address}:{now:%Y%m%d%H}",
            settings.OBJECTION_PER_ADDRESS_HOUR,
            _("Too many objections from your network in the last hour: please try again later."),
        ),
        (
            f"naming:objections:batch:{batch.pk}:{now:%Y%m%d}",
            settings.OBJECTION_PER_BATCH_DAY,
            _(
                "This batch has received the most objections it takes online today: please try again tomorrow, or write to the provincial department."
            ),
        ),
    )
    for key, limit, message in limits:
        cache.add(key, 0, 2 * 24 * 3600)
        if cache.incr(key) > limit:
            return message
    return None
