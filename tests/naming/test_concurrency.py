"""Two staff naming the same batch at the same moment (PostgreSQL row locks)."""

import datetime as dt

import pytest
from django.db import connection

from apps.assessments.models import Assessment, State
from apps.core.errors import ConflictError
from apps.naming import naming_act, services
from tests.factories import UserFactory, region
from tests.review.conftest import TRANSACTIONAL_APPS, ensure_reference_data
from tests.review.test_concurrency import race


@pytest.fixture
def reference_data_naming(transactional_db):
    ensure_reference_data()


@pytest.mark.django_db(transaction=True, available_apps=TRANSACTIONAL_APPS)
def test_two_staff_naming_at_once_one_succeeds_the_other_is_told(reference_data_naming, province_user, today):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from tests.naming.conftest import TODAY, make_assessments

    services.naming_procedure_set(
        user=province_user,
        province_id="310000000000",
        year=2026,
        notice_days=7,
        day_kind="calendar",
        namer="province",
    )
    rows = make_assessments(3, state=State.PROPOSED)
    batch = services.batch_create(
        user=province_user,
        province_id="310000000000",
        year=2026,
        title="t",
        notice_start=TODAY,
        assessment_ids=[a.pk for a in rows],
    )
    services.batch_publish(user=province_user, batch=batch)
    colleague = UserFactory(username="shanghai-2", role="province", region=region("31"))
    today.set(batch.notice_end + dt.timedelta(days=1))
    results = race(
        lambda: naming_act.batch_name(
            user=province_user, batch=batch, document_number="沪建〔2026〕1号", document_date=today.value
        ),
        lambda: naming_act.batch_name(
            user=colleague, batch=batch, document_number="沪建〔2026〕2号", document_date=today.value
        ),
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], ConflictError) and errors[0].code == "already_named"
    assert Assessment.objects.filter(state=State.APPROVED).count() == 3
