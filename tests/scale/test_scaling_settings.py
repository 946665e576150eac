"""What can be tested here of running on several machines: production settings come from the
environment alone, and choose shared storage, shared broker, database sessions and one beat."""

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.core.files.storage import default_storage, storages
from greencommunity.celery import app
storage = default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage
print(json.dumps({
    "debug": settings.DEBUG,
    "storage": type(storages["default"]).__name__,
    "bucket": getattr(storages["default"], "bucket_name", None),
    "endpoint": getattr(storages["default"], "endpoint_url", None),
    "acl": getattr(storages["default"], "default_acl", "n/a"),
    "querystring_auth": getattr(storages["default"], "querystring_auth", None),
    "database": settings.DATABASES["default"]["HOST"] + "/" + settings.DATABASES["default"]["NAME"],
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "broker": app.conf.broker_url,
    "result_backend": app.conf.result_backend,
    "eager": app.conf.task_always_eager,
    "beat_scheduler": settings.CELERY_BEAT_SCHEDULER,
    "session_engine": settings.SESSION_ENGINE,
    "cache": settings.CACHES["default"]["BACKEND"],
    "allowed_hosts": settings.ALLOWED_HOSTS,
}))
"""

BASE_ENV = {
    "DJANGO_SETTINGS_MODULE": "greencommunity.settings.production",
    "DJANGO_SECRET_KEY": "k" * 60,
    "DATABASE_URL": "postgres://portal:pw@db.internal:5432/greencommunity",
    "DJANGO_ALLOWED_HOSTS": "portal.example.gov.cn",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "PERSONAL_DATA_KEYS": "dGVzdC1rZXktZm9yLXBlcnNvbmFsLWRhdGEtMDEyMzQ=",
}


def probe(**env) -> dict:
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "AWS_", "REDIS", "DATABASE", "CACHE"))
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=settings.BASE_DIR,
        env={**clean, **BASE_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_on_several_machines_takes_everything_from_the_environment():
    conf = probe(
        AWS_STORAGE_BUCKET_NAME="gc-evidence",
        AWS_S3_ENDPOINT_URL="https://minio.internal:9000",
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        CACHE_URL="redis://redis.internal:6379/2",
        DJANGO_CONN_MAX_AGE="120",
    )
    # Evidence and PDFs on shared S3-compatible storage, private, served through signed URLs.
    assert conf["storage"] == "S3Storage"
    assert conf["bucket"] == "gc-evidence"
    assert conf["endpoint"] == "https://minio.internal:9000"
    assert conf["acl"] == "private" and conf["querystring_auth"] is True
    # One database and one broker shared by every web process and worker.
    assert conf["database"] == "db.internal/greencommunity" and conf["conn_max_age"] == 120
    assert conf["broker"] == conf["result_backend"] == "redis://redis.internal:6379/0"
    assert conf["eager"] is False
    # Stateless web processes: sessions in the database; a shared cache; one beat reading its
    # schedule from the database.
    assert conf["session_engine"] == "apps.accounts.sessions"  # database sessions (Django's `db`)
    assert conf["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert conf["beat_scheduler"] == "django_celery_beat.schedulers:DatabaseScheduler"
    assert conf["debug"] is False and conf["allowed_hosts"] == ["portal.example.gov.cn"]


def test_without_a_bucket_files_stay_on_the_local_disk():
    conf = probe()
    assert conf["storage"] == "FileSystemStorage"
    assert conf["cache"] == "django.core.cache.backends.locmem.LocMemCache"


def test_production_refuses_to_start_without_its_secrets():
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}}
    env.update(DJANGO_SETTINGS_MODULE="greencommunity.settings.production", DATABASE_URL="sqlite:///x.db")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "DJANGO_SECRET_KEY" in result.stderr
