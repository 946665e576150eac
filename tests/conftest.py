import os
from contextlib import nullcontext

import pytest

from apps.accounts.models import Role

from .factories import CommunityFactory, UserFactory, region

SERVICES_CONFIGURED = bool(os.environ.get("DATABASE_URL") or os.environ.get("REDIS_URL"))


def pytest_addoption(parser):
    parser.addoption(
        "--slim-regions",
        action="store_true",
        help="test database with a slim division tree (tests/db_template.py); skips tests marked national_tree",
    )


def pytest_collection_modifyitems(config, items):
    """Tests marked `services` need PostgreSQL and Redis: skipped only when neither is configured,
    and never in CI, where a missing service must fail the run instead. With --slim-regions the
    tests marked `national_tree` skip."""
    if config.getoption("slim_regions"):
        slim = pytest.mark.skip(reason="needs the national division tree (run without --slim-regions)")
        for item in items:
            if "national_tree" in item.keywords:
                item.add_marker(slim)
    if SERVICES_CONFIGURED:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError("CI must set DATABASE_URL and REDIS_URL: service tests may not skip in CI.")
    skip = pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL (Redis)")
    for item in items:
        if "services" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def django_db_setup(
    request,
    django_test_environment,
    django_db_blocker,
    django_db_use_migrations,
    django_db_keepdb,
    django_db_createdb,
    django_db_modify_db_settings,
):
    """pytest-django's database setup, but with `--reuse-db` on SQLite outside CI (`make test`)
    the in-memory test database is a copy of a migrated template kept between runs
    (tests/db_template.py) instead of a migrated one."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _disable_migrations, _get_databases_for_setup

    from . import db_template

    verbosity = request.config.option.verbose
    slim = request.config.getoption("slim_regions")
    aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
    if db_template.wanted(request.config) and django_db_use_migrations:
        with django_db_blocker.unblock():
            old_name = db_template.setup(verbosity, serialize="default" in serialized_aliases, slim=slim)
        yield
        with django_db_blocker.unblock():
            db_template.teardown(old_name, verbosity)
        return
    if not django_db_use_migrations:
        _disable_migrations()
    with django_db_blocker.unblock(), db_template.slim_divisions() if slim else nullcontext():
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=django_db_keepdb and not django_db_createdb,
        )
    yield
    if not django_db_keepdb:
        with django_db_blocker.unblock():
            _close_other_sessions()
            teardown_databases(db_cfg, verbosity=verbosity)


def _close_other_sessions() -> None:
    """A live server's thread or an in-process task may still hold a connection to the test
    database when the run ends; PostgreSQL refuses to drop a database in use, so they are closed."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_menus():
    """The menus are cached per process under what their links depend on (apps.accounts.templatetags
    .menu): a test that changes something else (a setting, a patched capability) starts afresh."""
    from django.core.cache import caches

    caches["menu"].clear()


@pytest.fixture
def xuhui_community(db):
    return CommunityFactory(street=region("310104003"))


@pytest.fixture
def other_community(db):
    """A community in 北京市东城区: outside every Shanghai user's scope."""
    return CommunityFactory(street=region("110101001"))


@pytest.fixture
def community_user(xuhui_community):
    return UserFactory(username="committee", role=Role.COMMUNITY, community=xuhui_community)


@pytest.fixture
def city_user(db):
    return UserFactory(username="xuhui-dept", role=Role.CITY, region=region("310104"))


@pytest.fixture
def province_user(db):
    return UserFactory(username="shanghai-dept", role=Role.PROVINCE, region=region("31"))


@pytest.fixture
def ministry_user(db):
    return UserFactory(username="ministry", role=Role.MINISTRY)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_celery_connections():
    """Some tests point the broker at a closed port (Redis down). Celery keeps its connection and
    producer pools across tests, keyed by the broker URL of the moment they were made: drop them
    after every test so that a later test (a real worker, a compile) talks to the real broker."""
    yield
    from greencommunity.celery import app

    # Only drop the references: kombu's global pools are shared, closing them breaks later users.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def shared_cache(settings):
    """One process acting as with a cache every web process shares (Redis): the versioned reads are
    cached (apps.core.versioned), from an empty cache (it outlives a test's rolled-back database)."""
    from django.core.cache import cache

    assert settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    settings.VERSIONED_READS_IN_LOCAL_CACHE = True
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def eager_tasks():
    """Celery tasks run in process, as on the embedded default, also where REDIS_URL points at a
    broker (CI): for tests whose outcome needs an after-commit task done before they read it (a PDF
    rendered again before it is served, integrity flags after a submission)."""
    from greencommunity.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
