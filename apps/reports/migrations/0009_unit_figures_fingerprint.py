"""UnitFigures.fingerprint (what a unit-year's figures were computed from), and the beat row of the
figures sweep now runs the healing task (`reports.heal_figures`): inputs against fingerprints, not
timestamps. Rows stored before have no fingerprint, so the first run recomputes them all."""

from django.db import migrations, models

NAME = "reports: refresh the live figures that a missed refresh left stale"
HEAL = "reports: heal the live figures whose inputs changed"


def heal(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = Interval.objects.get_or_create(every=5, period="minutes")
    Periodic.objects.filter(name=NAME).delete()
    Periodic.objects.update_or_create(
        name=HEAL, defaults={"task": "reports.heal_figures", "interval": every, "enabled": True}
    )


def unheal(apps, schema_editor):
    Interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    Periodic = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = Interval.objects.get_or_create(every=5, period="minutes")
    Periodic.objects.filter(name=HEAL).delete()
    Periodic.objects.update_or_create(
        name=NAME, defaults={"task": "reports.refresh_stale_figures", "interval": every, "enabled": True}
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0008_compile_job_outcome"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="unitfigures",
            name="fingerprint",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.RunPython(heal, unheal),
    ]
