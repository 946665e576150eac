"""Whether the Celery broker can be reached right now (for /healthz and pages that enqueue work)."""

from django.conf import settings


def broker_status(timeout: float = 1.0) -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    import redis

    try:
        client = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=timeout, socket_timeout=timeout
        )
        client.ping()
    except redis.RedisError as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_available() -> bool:
    return broker_status() in ("ok", "eager")
