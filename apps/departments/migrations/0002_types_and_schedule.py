"""The national list of department types (the five ministries that issued the notice of 2020-07-22
with the housing ministry, and city management, which the notice addresses in several units), and
the daily consultation deadlines as a django-celery-beat row (Asia/Shanghai)."""

from django.db import migrations

TYPES = [
    # code, name, order, co-issuing ministry
    ("ndrc", "发展改革", 10, True),
    ("civil_affairs", "民政", 20, True),
    ("public_security", "公安", 30, True),
    ("ecology", "生态环境", 40, True),
    ("market", "市场监管", 50, True),
    ("city_management", "城市管理", 60, False),
]
NAME = "departments: consultation deadlines (lapse and remind)"


def create(apps, schema_editor):
    DepartmentType = apps.get_model("departments", "DepartmentType")
    for code, name, order, co in TYPES:
        DepartmentType.objects.update_or_create(
            code=code, province=None, defaults={"name": name, "order": order, "co_ministry": co}
        )
    Crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = Crontab.objects.get_or_create(
        minute="5", hour="0", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai"
    )
    Periodic.objects.update_or_create(
        name=NAME, defaults={"task": "departments.consultation_deadlines", "crontab": crontab, "enabled": True}
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
