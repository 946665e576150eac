"""The client's address behind a trusted proxy (TLS terminator, load balancer).

`client_address(request)` is REMOTE_ADDR unless REMOTE_ADDR is one of settings.TRUSTED_PROXIES;
then it is the right-most X-Forwarded-For address that is not itself a trusted proxy. A header sent
by anyone else is ignored, so a client cannot choose its own address by rotating the header
(django-axes' lockout and the API's throttles key on this address)."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(proxies: tuple) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value):
    try:
        return ipaddress.ip_address(value.strip().strip("[]"))
    except ValueError:
        return None


def is_trusted_proxy(address) -> bool:
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    return address is not None and any(address in net for net in networks if net.version == address.version)


def client_address(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    address = _parse(remote)
    if not is_trusted_proxy(address):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for hop in reversed([part for part in forwarded.split(",") if part.strip()]):
        hop_address = _parse(hop)
        if hop_address is None:
            # A malformed hop written by the proxy chain: stop at the last address we can trust.
            break
        if not is_trusted_proxy(hop_address):
            return str(hop_address)
    return remote


def axes_client_address(request) -> str:
    """AXES_CLIENT_IP_CALLABLE."""
    return client_address(request)
