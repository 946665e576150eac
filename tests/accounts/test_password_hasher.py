"""Sign-ins in a burst: Django's PBKDF2 hashes, at most PASSWORD_HASHES_AT_ONCE at a time per
process, on threads of the lowest priority (apps.accounts.passwords.BoundedPBKDF2PasswordHasher,
issue 29)."""

import os
import sys
import threading
import time

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from apps.accounts.passwords import BoundedPBKDF2PasswordHasher


def test_it_reads_and_writes_djangos_pbkdf2_hashes():
    ours, django = BoundedPBKDF2PasswordHasher(), PBKDF2PasswordHasher()
    assert ours.algorithm == django.algorithm == "pbkdf2_sha256"
    encoded = django.encode("Secret-2026-x", "somesalt", iterations=1000)
    assert ours.verify("Secret-2026-x", encoded)
    assert not ours.verify("secret-2026-x", encoded)
    assert ours.encode("Secret-2026-x", "somesalt", iterations=1000) == encoded


@pytest.fixture
def fresh_pool(monkeypatch, settings):
    """A pool of its own for the test, of PASSWORD_HASHES_AT_ONCE threads (1)."""
    settings.PASSWORD_HASHES_AT_ONCE = 1
    monkeypatch.setattr(BoundedPBKDF2PasswordHasher, "_pool", None)
    yield
    if BoundedPBKDF2PasswordHasher._pool is not None:
        BoundedPBKDF2PasswordHasher._pool.shutdown()


def test_a_burst_of_sign_ins_hashes_one_at_a_time(monkeypatch, fresh_pool):
    running, most = [0], [0]
    lock = threading.Lock()

    def slow_encode(self, password, salt, iterations=None):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        return "pbkdf2_sha256$1$salt$hash"

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", slow_encode)
    threads = [
        threading.Thread(target=BoundedPBKDF2PasswordHasher().encode, args=("pw", "salt")) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="threads have priorities of their own on Linux"
)
def test_a_hash_gives_way_to_the_pages(monkeypatch, fresh_pool):
    """The hash runs on a thread of the lowest priority; the thread that serves the page keeps its own."""
    seen = {}

    def encode(self, password, salt, iterations=None):
        seen["niceness"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        seen["thread"] = threading.current_thread()
        return "pbkdf2_sha256$1$salt$hash"

    monkeypatch.setattr(PBKDF2PasswordHasher, "encode", encode)
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    assert BoundedPBKDF2PasswordHasher().encode("pw", "salt") == "pbkdf2_sha256$1$salt$hash"
    assert seen["thread"] is not threading.current_thread()
    assert seen["niceness"] == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_a_forked_process_gets_a_pool_of_its_own(monkeypatch, fresh_pool):
    first = BoundedPBKDF2PasswordHasher.pool()
    assert BoundedPBKDF2PasswordHasher.pool() is first
    monkeypatch.setattr(os, "getpid", lambda: -1)
    assert BoundedPBKDF2PasswordHasher.pool() is not first
