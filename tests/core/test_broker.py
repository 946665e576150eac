"""The broker's state (healthz, the dashboard's notice) is asked on one pooled connection per
process and URL, not a new client and connection per call (issue 29)."""

import pytest

from apps.core import broker


@pytest.mark.services
def test_one_connection_for_every_call_and_a_new_one_after_a_drop(settings):
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    assert broker.broker_status() == "ok"
    client = broker._client(settings.REDIS_URL, 1.0)
    pool = client.connection_pool
    created = pool._created_connections
    for _ in range(5):
        assert broker.broker_status() == "ok"
    assert broker._client(settings.REDIS_URL, 1.0) is client
    assert pool._created_connections == created
    # The server closes the pooled connection (a restart): the next call still says "ok".
    client.client_kill_filter(_id=client.client_id())
    assert broker.broker_status() == "ok"


def test_an_unreachable_broker_is_an_error(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert broker.broker_status(timeout=0.2) == "error: ConnectionError"
    assert not broker.broker_available()
