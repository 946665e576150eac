"""Beat row: every 5 minutes, send the compile jobs requested while Redis was unreachable."""

from django.db import migrations

NAME = "reports: send compile jobs requested while Redis was down"


def create(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = Interval.objects.get_or_create(every=5, period="minutes")
    Periodic.objects.update_or_create(
        name=NAME, defaults={"task": "reports.requeue_pending_jobs", "interval": every, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0004_compile_job_requeue")]

    operations = [migrations.RunPython(create, remove)]
