import datetime as dt
import os
import zoneinfo

import pytest

from apps.assessments.models import Assessment, Response
from apps.communities.models import Community
from apps.review.models import Demonstration
from apps.standards.models import Criterion
from tests.assessments.factories import AssessmentRowFactory
from tests.factories import CommunityFactory, region

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(y, m, d):
    return dt.datetime(y, m, d, 10, 0, tzinfo=SH)


def make_assessment(community: Community, year: int, state: str, **stamps) -> Assessment:
    """An assessment row in `state` with the test's stamps (tests.assessments.factories)."""
    return AssessmentRowFactory(community=community, year=year, state=state, **stamps)


@pytest.fixture
def small_world(db):
    """Shanghai: 4 communities in 徐汇区, 2 in 黄浦区; Beijing: 1. Hand-computed figures in test_selectors.

    X1 approved 2024 (meets 2024, 2025) + a 2025 assessment waiting at the province;
    X2 approved 2025 (9 days), demonstration 2025; X3 approved 2024, revoked March 2025, 2025
    assessment returned; X4 2025 waiting at the city; H1 approved 2025 (30 days), revoked 2026;
    H2 2025 draft; B1 (北京) approved 2025.
    """
    xuhui, huangpu, beijing = region("310104003"), region("310101002"), region("110101001")
    x = [CommunityFactory(street=xuhui, code=f"31010400300{i}") for i in range(1, 5)]
    h = [CommunityFactory(street=huangpu, code=f"31010100200{i}") for i in range(1, 3)]
    b1 = CommunityFactory(street=beijing, code="110101001001")
    make_assessment(x[0], 2024, "approved", first_submitted_at=at(2024, 5, 1), approved_at=at(2024, 6, 1))
    make_assessment(
        x[0], 2025, "recommended", first_submitted_at=at(2025, 10, 1), recommended_at=at(2025, 10, 5)
    )
    x2 = make_assessment(
        x[1], 2025, "approved", first_submitted_at=at(2025, 5, 1), approved_at=at(2025, 5, 10)
    )
    make_assessment(
        x[2],
        2024,
        "revoked",
        first_submitted_at=at(2024, 6, 1),
        approved_at=at(2024, 7, 1),
        revoked_at=at(2025, 3, 1),
    )
    make_assessment(x[2], 2025, "returned", first_submitted_at=at(2025, 9, 10), returned_at=at(2025, 9, 20))
    x4 = make_assessment(
        x[3], 2025, "submitted", first_submitted_at=at(2025, 9, 1), submitted_at=at(2025, 9, 1)
    )
    make_assessment(
        h[0],
        2025,
        "revoked",
        first_submitted_at=at(2025, 7, 2),
        approved_at=at(2025, 8, 1),
        revoked_at=at(2026, 2, 1),
    )
    h2 = make_assessment(h[1], 2025, "draft")
    make_assessment(b1, 2025, "approved", first_submitted_at=at(2025, 4, 1), approved_at=at(2025, 4, 3))
    Demonstration.objects.create(
        assessment=x2, year=2025, citation="垃圾分类示范", designated_at=at(2025, 6, 1)
    )
    c1 = Criterion.objects.get(standard__code="national-trial-2020", number=1)
    c2 = Criterion.objects.get(standard__code="national-trial-2020", number=2)
    Response.objects.create(assessment=x2, criterion=c1, rating="met", verdict="confirmed")
    Response.objects.create(assessment=x2, criterion=c2, rating="not_met", verdict="not_confirmed")
    Response.objects.create(assessment=x4, criterion=c1, rating="met")
    Response.objects.create(assessment=h2, criterion=c1, rating="not_met")
    return {"x": x, "h": h, "b1": b1}


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in process (the code paths of `make run`), except in the tests that start a real
    worker: with REDIS_URL set the app would otherwise send every task to Redis."""
    from greencommunity.celery import app

    if "services" in request.keywords:
        yield
        return
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def reference_data_restored(django_db_blocker):
    """transactional_db flushes every table at teardown, including the division tree, the standard
    and the beat rows loaded by data migrations: load them again afterwards for the next tests.
    Request this fixture BEFORE transactional_db so that its teardown runs after the flush."""
    yield
    import importlib

    from django.apps import apps as django_apps

    with django_db_blocker.unblock():
        for module, function in (
            ("apps.regions.migrations.0002_load_divisions", "load"),
            ("apps.standards.migrations.0002_national_trial_standard", "load"),
            ("apps.reports.migrations.0002_beat_schedule", "create"),
            ("apps.reports.migrations.0005_requeue_schedule", "create"),
            ("apps.reports.migrations.0007_refresh_stale_figures_schedule", "create"),
            ("apps.reports.migrations.0009_unit_figures_fingerprint", "heal"),
        ):
            getattr(importlib.import_module(module), function)(django_apps, None)
