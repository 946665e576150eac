import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


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
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


from tests.assessments.conftest import assessment, filled, pdf_upload, png_upload, submitted  # noqa: E402, F401
