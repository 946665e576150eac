"""Lockout and throttles behind a trusted proxy (issue 13, item 6): the client address comes from
X-Forwarded-For only when the connection is from a configured trusted proxy."""

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from rest_framework.test import APIClient

from apps.accounts.proxies import client_address

PASSWORD = "correct-horse-battery"
PROXY = "10.0.0.2"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture(autouse=True)
def _clean(db):
    cache.clear()
    AccessAttempt.objects.all().delete()
    yield
    cache.clear()


def _request(remote, xff=None):
    meta = {"REMOTE_ADDR": remote}
    if xff is not None:
        meta["HTTP_X_FORWARDED_FOR"] = xff
    return RequestFactory().get("/", **meta)


def test_client_address_reads_the_header_only_from_a_trusted_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "192.168.1.7"]
    # An untrusted client's header is ignored.
    assert client_address(_request("203.0.113.5", "1.2.3.4")) == "203.0.113.5"
    # From a trusted proxy: the right-most hop that is not itself a trusted proxy.
    assert client_address(_request(PROXY, "1.2.3.4, 198.51.100.9")) == "198.51.100.9"
    assert client_address(_request(PROXY, "198.51.100.9, 192.168.1.7")) == "198.51.100.9"
    # A client prepending its own value does not move the address the proxy appended.
    assert client_address(_request(PROXY, "6.6.6.6, 198.51.100.9")) == "198.51.100.9"
    # A trusted proxy without a header (or only trusted hops) is itself the client.
    assert client_address(_request(PROXY)) == PROXY
    assert client_address(_request(PROXY, "10.0.0.3")) == PROXY


def test_without_trusted_proxies_the_header_is_never_read(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(_request(PROXY, "198.51.100.9")) == PROXY


def test_rotating_the_header_does_not_defeat_the_token_throttle(settings, community_user):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.AXES_ENABLED = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "write": "100/min"},
    }
    client = APIClient()
    statuses = [
        client.post(
            TOKEN,
            {"username": "committee", "password": "wrong-guess"},
            REMOTE_ADDR="203.0.113.5",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n}",
        ).status_code
        for n in range(5)
    ]
    assert statuses == [400, 400, 400, 429, 429]


def test_clients_behind_the_trusted_proxy_are_throttled_separately(settings, community_user):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.AXES_ENABLED = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "3/min", "write": "100/min"},
    }
    client = APIClient()

    def post(real):
        return client.post(
            TOKEN,
            {"username": "committee", "password": "wrong-guess"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=real,
        ).status_code

    assert [post("198.51.100.1") for _ in range(4)] == [400, 400, 400, 429]
    # Another client behind the same proxy is not throttled by the first one's guesses.
    assert post("198.51.100.2") == 400


def _login(username, password, remote, xff=None):
    extra = {"REMOTE_ADDR": remote}
    if xff:
        extra["HTTP_X_FORWARDED_FOR"] = xff
    return Client().post(reverse("login"), {"username": username, "password": password}, **extra)


def test_one_client_locked_out_behind_the_proxy_does_not_lock_others(settings, ministry_user):
    settings.TRUSTED_PROXIES = [PROXY]
    for _n in range(5):
        _login("ministry", "wrong", PROXY, "198.51.100.66")
    assert _login("ministry", PASSWORD, PROXY, "198.51.100.66").status_code == 429
    # The real user, behind the same proxy from another address, still signs in.
    assert _login("ministry", PASSWORD, PROXY, "198.51.100.7").status_code == 302
    assert AccessAttempt.objects.filter(ip_address="198.51.100.66").exists()
    assert not AccessAttempt.objects.filter(ip_address=PROXY).exists()


def test_a_spoofed_header_from_an_untrusted_client_does_not_escape_the_lockout(settings, ministry_user):
    settings.TRUSTED_PROXIES = [PROXY]
    for n in range(5):
        _login("ministry", "wrong", "203.0.113.5", f"198.51.100.{n}")
    # Rotating the header did not spread the failures over several addresses: the pair is locked.
    assert _login("ministry", PASSWORD, "203.0.113.5", "198.51.100.200").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
