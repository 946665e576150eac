"""Whether the Celery broker can be reached right now (for /healthz and pages that enqueue work)."""

import threading
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    import redis

# One client (and its connection pool) per process, broker URL and timeout: a new client per call
# opened a new connection for every view of the national dashboard (issue 29).
_clients: dict[tuple[str, float], "redis.Redis"] = {}
_clients_lock = threading.Lock()


def _client(url: str, timeout: float) -> "redis.Redis":
    import redis

    key = (url, timeout)
    client = _clients.get(key)
    if client is None:
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
                _clients[key] = client
    return client


def broker_status(timeout: float = 1.0) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    import redis

    client = _client(settings.CELERY_BROKER_URL, timeout)
    try:
        # A pooled connection that the server closed meanwhile (a restart) is replaced by the pool
        # when it is taken (tests/core/test_broker.py).
        client.ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_available() -> bool:
    return broker_status() in ("ok", "eager")
