"""Beat row: every 5 minutes, refresh the live figures of a unit whose data changed after they were
computed (the safety net behind the after-commit refresh of every decision)."""

from django.db import migrations

NAME = "reports: refresh the live figures that a missed refresh left stale"


def create(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = Interval.objects.get_or_create(every=5, period="minutes")
    Periodic.objects.update_or_create(
        name=NAME, defaults={"task": "reports.refresh_stale_figures", "interval": every, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_unit_figures")]

    operations = [migrations.RunPython(create, remove)]
