"""A client generated from the schema with openapi-python-client, its default configuration, works
against the server: log in for a token, list, read an assessment with blank answers (null ratings
and verdicts parse), save an answer, download its evidence and the PDFs as bytes, read the
campaign calendar. The generator must report no warning (a skipped response is a download the
client cannot call).

The schema is built in-process (as /api/schema/ serves it), the client generated into a temporary
directory, and its requests go to the WSGI application in-process on the test database.
"""

import importlib
import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator

from apps.assessments import services
from tests.assessments.conftest import PDF_BYTES

PASSWORD = "correct-horse-battery"  # tests.factories.UserFactory


@pytest.fixture(scope="module")
def portal_client(tmp_path_factory):
    """The package openapi-python-client generates from today's schema, imported."""
    root = tmp_path_factory.mktemp("generated")
    schema = SchemaGenerator().get_schema(request=None, public=True)
    (root / "schema.json").write_text(json.dumps(schema, cls=DjangoJSONEncoder))
    # No content_type_overrides: the schema alone must say that downloads are bytes.
    (root / "config.yaml").write_text(
        "project_name_override: portal-client\npackage_name_override: portal_client\npost_hooks: []\n"
    )
    generator = Path(sys.executable).with_name("openapi-python-client")
    done = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            "schema.json",
            "--config",
            "config.yaml",
            "--meta",
            "none",
            "--output-path",
            "portal_client",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "warning" not in (done.stdout + done.stderr).lower(), done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module("portal_client")
    finally:
        sys.path.remove(str(root))
        for name in [m for m in sys.modules if m == "portal_client" or m.startswith("portal_client.")]:
            del sys.modules[name]


@pytest.fixture(autouse=True)
def _keep_test_connection():
    # As in test_schemathesis: the WSGI handler must not close the test transaction's connection.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _no_lockout(settings):
    settings.AXES_ENABLED = False


def _transport():
    return {"transport": httpx.WSGITransport(app=get_wsgi_application())}


def test_generated_client_walks_the_api(portal_client, community_user, city_user, assessment):
    from portal_client import AuthenticatedClient, Client
    from portal_client.api.assessments import (
        assessments_list,
        assessments_responses_update,
        assessments_retrieve,
        evidence_retrieve,
    )
    from portal_client.api.auth import auth_token_create
    from portal_client.api.reports import campaign_retrieve
    from portal_client.models import (
        Answer,
        AssessmentDetail,
        Campaign,
        PaginatedAssessmentList,
        RatingEnum,
        ResponseWriteRequest,
        Token,
        TokenRequestRequest,
    )
    from portal_client.types import File

    anonymous = Client(base_url="http://testserver", httpx_args=_transport(), raise_on_unexpected_status=True)
    token = auth_token_create.sync(
        client=anonymous, body=TokenRequestRequest(username="committee", password=PASSWORD)
    )
    assert isinstance(token, Token), token
    client = AuthenticatedClient(
        base_url="http://testserver",
        token=token.token,
        prefix="Token",
        httpx_args=_transport(),
        raise_on_unexpected_status=True,
    )

    listed = assessments_list.sync(client=client)
    assert isinstance(listed, PaginatedAssessmentList)
    assert [a.id for a in listed.results] == [assessment.pk]

    detail = assessments_retrieve.sync(id=str(assessment.pk), client=client)
    assert isinstance(detail, AssessmentDetail), detail
    assert len(detail.responses) == assessment.responses.count() == 16
    assert all(r.rating is None and r.verdict is None for r in detail.responses)

    saved = assessments_responses_update.sync(
        id=str(assessment.pk),
        number=1,
        client=client,
        body=ResponseWriteRequest(rating=RatingEnum.MET, statement="已建立议事协商机制。", version=0),
    )
    assert isinstance(saved, Answer), saved
    assert saved.rating == RatingEnum.MET and saved.version == 1
    assert assessment.responses.get(criterion__number=1).statement == "已建立议事协商机制。"

    response = assessment.responses.get(criterion__number=1)
    evidence = services.evidence_add(
        response=response,
        user=community_user,
        uploaded_file=SimpleUploadedFile("纪要.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    reviewer = AuthenticatedClient(
        base_url="http://testserver",
        token=auth_token_create.sync(
            client=anonymous, body=TokenRequestRequest(username=city_user.username, password=PASSWORD)
        ).token,
        prefix="Token",
        httpx_args=_transport(),
        raise_on_unexpected_status=True,
    )
    answer = assessments_retrieve.sync(id=str(assessment.pk), client=reviewer).responses[0]
    assert answer.evidence[0].download_url == f"/api/v1/evidence/{evidence.pk}/"
    downloaded = evidence_retrieve.sync(id=str(evidence.pk), client=reviewer)
    assert isinstance(downloaded, File) and downloaded.payload.read() == PDF_BYTES

    calendar = campaign_retrieve.sync(client=client)
    assert isinstance(calendar, Campaign) and calendar.first_year == 2020


def test_generated_client_downloads_the_pdfs(portal_client, db, eager_tasks):
    """The annual report's and the national PDFs: functions of the client, answering bytes."""
    from portal_client import AuthenticatedClient
    from portal_client.api.reports import reports_annual_pdf_retrieve, reports_national_pdf_retrieve
    from portal_client.types import File

    from apps.api.services import issue_token
    from tests.security.world import World

    world = World()
    report = world.get("compiled_report", "inside")
    world.get("national_snapshot", "inside")

    def client_for(role):
        return AuthenticatedClient(
            base_url="http://testserver",
            token=issue_token(user=world.user(role))[1],
            prefix="Token",
            httpx_args=_transport(),
            raise_on_unexpected_status=True,
        )

    annual = reports_annual_pdf_retrieve.sync(id=str(report.pk), client=client_for("province"))
    # A draft's PDF is rendered again when its figures changed since (issue 21): a real PDF, not the world's.
    assert isinstance(annual, File) and annual.payload.read().startswith(b"%PDF")
    national = reports_national_pdf_retrieve.sync(year=2026, client=client_for("ministry"))
    # The national PDF is rendered afresh with today's report status when it is downloaded (issue 21).
    assert isinstance(national, File) and national.payload.read().startswith(b"%PDF")
