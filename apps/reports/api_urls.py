"""API routes of the reports app, included by apps/api/urls.py under /api/v1/reports/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
