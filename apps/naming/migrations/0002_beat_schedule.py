"""The daily erasure of objectors' contacts as a django-celery-beat row (Asia/Shanghai)."""

from django.db import migrations

NAME = "naming: erase objectors' contacts after the set period"


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="30", hour="3", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    Periodic.objects.update_or_create(
        name=NAME, defaults={"task": "naming.erase_objection_contacts", "crontab": crontab, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("naming", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
