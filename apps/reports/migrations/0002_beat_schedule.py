"""The yearly report calendar as django-celery-beat rows (Asia/Shanghai), editable in the admin."""

from django.db import migrations

TZ = "Asia/Shanghai"

# name, task, crontab (minute, hour, day_of_month, month_of_year)
SCHEDULE = [
    ("reports: compile drafts for every unit (1 November)", "reports.scheduled_compile", ("0", "2", "1", "11")),
    ("reports: refresh drafts daily in November", "reports.scheduled_compile", ("0", "2", "2-30", "11")),
    ("reports: remind provinces not yet submitted", "reports.scheduled_remind", ("0", "9", "16,23,29", "11")),
    ("reports: mark unsubmitted reports late (1 December)", "reports.scheduled_mark_late", ("10", "0", "1", "12")),
]


def create(apps, schema_editor):
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, (minute, hour, dom, month) in SCHEDULE:
        crontab, _ = Crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_month=dom, month_of_year=month, day_of_week="*", timezone=TZ
        )
        Periodic.objects.update_or_create(name=name, defaults={"task": task, "crontab": crontab, "enabled": True})


def remove(apps, schema_editor):
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    Periodic.objects.filter(name__in=[s[0] for s in SCHEDULE]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
