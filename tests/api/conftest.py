import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from apps.api.services import issue_token


@pytest.fixture(autouse=True)
def _fresh_throttles():
    # Throttle counters live in the cache: every test starts with none.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """An API client authenticated by token for a user: api(user) -> APIClient."""

    def make(user=None, **headers):
        client = APIClient(**headers)
        if user is not None:
            _token, key = issue_token(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


from tests.assessments.conftest import assessment, filled, pdf_upload, png_upload, submitted  # noqa: E402, F401
