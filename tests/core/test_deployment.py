"""docker-compose.yml cannot run here (no Docker engine): check what can be checked without one —
every service's settings load with its environment, its program exists, its manage.py command exists,
and the compose file stays in step with the Makefile and the Dockerfile."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["migrate", "web", "worker", "beat"]


def service_env(name):
    env = dict(SERVICES[name].get("environment", {}))
    # ${VAR:-default} -> default
    return {k: re.sub(r"\$\{\w+:-([^}]*)\}", r"\1", str(v)) for k, v in env.items()}


PERSONAL_DATA_KEY = "cHJvZHVjdGlvbi1jaGVjay1rZXktMDEyMzQ1Njc4OTA="


def test_production_refuses_to_start_without_a_personal_data_key():
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    }
    code = "import django; django.setup()"
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)  # noqa: S603
    assert out.returncode != 0
    assert "PERSONAL_DATA_KEYS must be set" in out.stderr


@pytest.mark.parametrize("name", APP_SERVICES)
def test_each_app_service_loads_production_settings(name):
    env = service_env(name)
    assert env["DJANGO_SETTINGS_MODULE"] == "greencommunity.settings.production"
    assert env["REDIS_URL"].startswith("redis://redis:")
    # The web and the workers share one cache: a worker's write drops what the web has cached.
    assert env["CACHE_URL"] == "redis://redis:6379/2"
    assert env["DATABASE_URL"].startswith("postgres://")
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['HOST'], settings.CELERY_BROKER_URL, settings.CELERY_TASK_ALWAYS_EAGER, "
        "settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    full_env = {
        "PATH": os.environ["PATH"],
        **env,
        "DJANGO_SECRET_KEY": "s" * 20 + "compose-check-" + "k" * 30,
        "PERSONAL_DATA_KEYS": PERSONAL_DATA_KEY,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=full_env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["postgres", "redis://redis:6379/0", "False", "RedisCache"]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_each_service_command_exists(name):
    command = SERVICES[name]["command"]
    program = command[0]
    venv_bin = Path(sys.executable).parent
    assert (venv_bin / program).exists() or shutil.which(program), f"{program} is not installed"
    if command[:2] == ["python", "manage.py"]:
        from django.core.management import get_commands

        assert command[2] in get_commands()
    if program == "celery":
        assert command[1:3] == ["-A", "greencommunity"]
        scheduler = command[command.index("--scheduler") + 1] if "--scheduler" in command else None
        if name == "beat":
            assert scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    if program == "gunicorn":
        assert command[1] == "greencommunity.wsgi:application"


def test_compose_dockerfile_and_makefile_agree():
    dockerfile = (ROOT / "Dockerfile").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "fonts-noto-cjk" in dockerfile and "fonts-noto-cjk" in makefile
    assert "greencommunity.settings.production" in dockerfile
    assert "greencommunity.wsgi:application" in dockerfile
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(SERVICES)
    assert "celery -A greencommunity worker" in makefile


def test_production_sends_mail_through_email_url():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "greencommunity.settings.production",
        "DJANGO_SECRET_KEY": "x" * 60,
        "PERSONAL_DATA_KEYS": PERSONAL_DATA_KEY,
        "DJANGO_ALLOWED_HOSTS": "portal.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1:5432/db",
    }
    code = "import django; django.setup(); from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST)"
    root = Path(__file__).resolve().parents[2]

    def mail_settings(email_url):
        run_env = {**env, "EMAIL_URL": email_url} if email_url else env
        return subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], env=run_env, capture_output=True, text=True, check=True, cwd=root
        ).stdout.split()

    assert mail_settings("memorymail://") == ["django.core.mail.backends.locmem.EmailBackend", "None"]
    assert mail_settings("smtp+tls://mailer:secret@smtp.example.org:587") == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
    ]
