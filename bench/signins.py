"""Figure 4c: a burst of 16 simultaneous sign-ins, and what the other pages feel meanwhile.

16 bench accounts sign in at the same moment through the real sign-in page (GET for the CSRF
token, POST of username and password: Django's PBKDF2 hash, ~0.35 s of CPU each) while 4 other
clients, already signed in, go on reading pages (the trivial view and the two review queues, in
turn). The figure is the p95 of those other pages during the burst (goal < 300 ms), next to the
same pages' p95 with no burst (its floor, measured just before in the same run).
"""

import re
import threading
import time
from http.cookies import SimpleCookie

from django.conf import settings

SIGNINS = 16
READERS = 4
GOAL_MS = 300.0
PASSWORD = "bench-Sign-in-2026"  # noqa: S105  (bench accounts on the bench database only)
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _accounts(count: int) -> list[str]:
    """count active community-less accounts (a reviewer role of the largest county) sharing one
    password hash, computed once."""
    from django.contrib.auth.hashers import make_password

    from apps.accounts.models import Role, User

    county = User.objects.get(username="bench-county").region_id
    encoded = make_password(PASSWORD)
    names = [f"bench-signin-{i:02d}" for i in range(count)]
    for name in names:
        User.objects.update_or_create(
            username=name,
            defaults={"role": Role.CITY, "region_id": county, "is_active": True, "password": encoded},
        )
    return names


def _sign_in(server, username: str) -> tuple[int, float]:
    import http.client

    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
        response = conn.getresponse()
        body = response.read()
        cookie = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie.load(header)
        token = CSRF_INPUT.search(body).group(1).decode()
        from urllib.parse import urlencode

        form = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
        conn.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Host": "127.0.0.1",
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"{settings.CSRF_COOKIE_NAME}={cookie[settings.CSRF_COOKIE_NAME].value}",
            },
        )
        response = conn.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    finally:
        conn.close()


def signin_burst(server, context, paths: list[tuple[str, str]]) -> dict:
    """p95 of the readers' pages with no burst, then during the burst of SIGNINS sign-ins."""
    from bench.figures import _percentile

    names = _accounts(SIGNINS)

    def read(samples: list, stop: threading.Event, index: int, limit: int | None):
        n = 0
        while not stop.is_set() and (limit is None or n < limit):
            role, path = paths[(index + n) % len(paths)]
            status, seconds = server.get(path, context.sessions[role][index])
            if status != 200:
                raise RuntimeError(f"{path}: HTTP {status}")
            samples.append(seconds)
            n += 1

    quiet: list[float] = []
    never = threading.Event()
    threads = [threading.Thread(target=read, args=(quiet, never, i, 12)) for i in range(READERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    during: list[float] = []
    signins: list[tuple[int, float]] = []
    stop = threading.Event()
    readers = [threading.Thread(target=read, args=(during, stop, i, None)) for i in range(READERS)]
    for t in readers:
        t.start()
    time.sleep(0.2)
    barrier = threading.Barrier(SIGNINS)

    def sign_in(name):
        barrier.wait()
        signins.append(_sign_in(server, name))

    burst = [threading.Thread(target=sign_in, args=(name,)) for name in names]
    started = time.perf_counter()
    for t in burst:
        t.start()
    for t in burst:
        t.join()
    burst_s = time.perf_counter() - started
    stop.set()
    for t in readers:
        t.join()
    failed = [status for status, _ in signins if status != 302]
    if failed:
        raise RuntimeError(f"sign-ins answered {sorted(set(failed))} instead of 302")
    return {
        "quiet_p95_ms": _percentile(quiet, 0.95) * 1000,
        "during_p95_ms": _percentile(during, 0.95) * 1000,
        "during_median_ms": _percentile(during, 0.5) * 1000,
        "during_n": len(during),
        "burst_s": burst_s,
        "signin_p95_ms": _percentile([s for _, s in signins], 0.95) * 1000,
    }
