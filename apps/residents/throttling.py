"""Public writes of the residents' pages (page and API alike), counted in the cache with atomic
increments so that a flood is refused before it reaches the database: answers per client address
and hour and per community and day, codes per address and hour (settings.RESIDENT_*)."""

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.proxies import client_address


def _over(key: str, limit: int) -> bool:
    cache.add(key, 0, 2 * 24 * 3600)
    return cache.incr(key) > limit


def answer_refusal(request, community_id: str) -> str | None:
    now = timezone.localtime()
    address = client_address(request) or "unknown"
    if _over(f"residents:answers:addr:{address}:{now:%Y%m%d%H}", settings.RESIDENT_ANSWERS_PER_ADDRESS_HOUR):
        return _("Too many answers from your network in the last hour: please try again later.")
    if _over(f"residents:answers:c:{community_id}:{now:%Y%m%d}", settings.RESIDENT_ANSWERS_PER_COMMUNITY_DAY):
        return _(
            "This community has received the most answers it takes online today: please try again tomorrow."
        )
    return None


def code_refusal(request) -> str | None:
    now = timezone.localtime()
    address = client_address(request) or "unknown"
    if _over(f"residents:codes:addr:{address}:{now:%Y%m%d%H}", settings.RESIDENT_CODES_PER_ADDRESS_HOUR):
        return _("Too many codes requested from your network in the last hour: please try again later.")
    return None
