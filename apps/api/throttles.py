"""Throttles. Rates live in REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] and are read on every request,
so that settings (environment, tests) can change them without re-importing this module."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from apps.accounts.proxies import client_address

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class _LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def __init__(self):
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_ident(self, request):
        # The real client behind a trusted proxy; an X-Forwarded-For from anyone else is ignored.
        return client_address(request)


class TokenThrottle(_LiveRateMixin, SimpleRateThrottle):
    """Token requests per client IP (password guessing through the API)."""

    scope = "token"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteThrottle(_LiveRateMixin, SimpleRateThrottle):
    """Writes (POST, PUT, PATCH, DELETE) per user; reads are not throttled."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user and request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
