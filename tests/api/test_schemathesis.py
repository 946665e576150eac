"""Schemathesis against the OpenAPI schema, with each role's token: no 5xx, no response off the schema.

Bounded for CI: a few examples per operation, no deadline. The WSGI app runs in-process on the
test database (the same connection), so rows made by the fixtures are visible to it.
"""

import json
import os

import pytest
import schemathesis
from django.core import signals
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis import checks

from apps.assessments import services
from tests.factories import UserFactory

ROLES = ["community", "city", "province", "ministry", "admin"]


def _load_schema():
    # Built in-process at collection (no database needed); schemathesis' lazy fixture loader
    # does not work with pytest 9, so the schema is loaded eagerly like /api/schema/ serves it.
    generated = SchemaGenerator().get_schema(request=None, public=True)
    loaded = schemathesis.openapi.from_dict(json.loads(json.dumps(generated, cls=DjangoJSONEncoder)))
    loaded.app = get_wsgi_application()
    # The coverage phase (boundary values of every parameter) takes about 3 minutes on a loaded
    # 2-core machine: on with SCHEMATHESIS_FULL=1. The examples and fuzzing phases always run,
    # bounded by max_examples below, well under a minute.
    loaded.config.phases.coverage.enabled = os.environ.get("SCHEMATHESIS_FULL") == "1"
    return loaded


schema = _load_schema()


@pytest.fixture(autouse=True)
def _keep_test_connection():
    # The WSGI handler closes the database connection after each request (as in production);
    # Django's own test client suspends that, and so must we: the test transaction lives on it.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _settings_overrides(settings):
    settings.AXES_ENABLED = False
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/min", "write": "100000/min"},
    }


@pytest.fixture
def role_tokens(community_user, city_user, province_user, ministry_user, xuhui_community):
    admin = UserFactory(username="admin", role="admin", is_staff=True, is_superuser=True)
    services.assessment_create(community=xuhui_community, year=2026, user=community_user)
    users = dict(zip(ROLES, [community_user, city_user, province_user, ministry_user, admin], strict=True))
    return {role: Token.objects.get_or_create(user=u)[0].key for role, u in users.items()}


@schema.parametrize()
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, role_tokens):
    for role in ROLES:
        # positive_data_acceptance expects every schema-valid request to succeed; the domain rightly
        # refuses many (wrong password, unknown street, role may not act, out of scope: 404).
        case.call_and_validate(
            headers={"Authorization": f"Token {role_tokens[role]}"},
            excluded_checks=[checks.positive_data_acceptance],
        )
