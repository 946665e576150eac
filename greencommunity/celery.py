"""The Celery application: configuration from Django settings (CELERY_*), tasks from every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greencommunity.settings.local")

app = Celery("greencommunity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
