"""Sign-ins in a burst: Django's PBKDF2 hashes, at most PASSWORD_HASHES_AT_ONCE at a time per
process (apps.accounts.passwords.BoundedPBKDF2PasswordHasher, issue 29)."""

import threading
import time

from django.contrib.auth.hashers import PBKDF2PasswordHasher

from apps.accounts.passwords import BoundedPBKDF2PasswordHasher


def test_it_reads_and_writes_djangos_pbkdf2_hashes():
    ours, django = BoundedPBKDF2PasswordHasher(), PBKDF2PasswordHasher()
    assert ours.algorithm == django.algorithm == "pbkdf2_sha256"
    encoded = django.encode("Secret-2026-x", "somesalt", iterations=1000)
    assert ours.verify("Secret-2026-x", encoded)
    assert not ours.verify("secret-2026-x", encoded)
    assert ours.encode("Secret-2026-x", "somesalt", iterations=1000) == encoded


def test_a_burst_of_sign_ins_hashes_one_at_a_time(monkeypatch):
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
    monkeypatch.setattr(BoundedPBKDF2PasswordHasher, "_slots", threading.BoundedSemaphore(1))
    threads = [
        threading.Thread(target=BoundedPBKDF2PasswordHasher().encode, args=("pw", "salt")) for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert most[0] == 1
