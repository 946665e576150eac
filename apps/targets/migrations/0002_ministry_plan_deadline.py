"""The ministry's request to the provincial units: their implementation plans by 31 August 2020
(the notice of 22 July 2020)."""

import datetime as dt

from django.db import migrations


def create(apps, schema_editor):
    PlanRequest = apps.get_model("targets", "PlanRequest")
    if not PlanRequest.objects.filter(setter__isnull=True).exists():
        PlanRequest.objects.create(setter=None, due_on=dt.date(2020, 8, 31))


class Migration(migrations.Migration):
    dependencies = [("targets", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
