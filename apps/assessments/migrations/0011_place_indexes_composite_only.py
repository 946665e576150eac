# The place columns of an assessment lose their lone indexes: the (place, year, state) indexes serve
# every lookup by place, and the planner took the lone province index for the review queue's counts
# of one year, reading every year's rows of the province (issue 29). Only the indexes go: the
# foreign keys stay as they are (Django's AlterField would drop and re-validate them).

import django.db.models.deletion
from django.db import migrations, models

PLACES = {"city": "a9203f89", "county": "31c33df9", "province": "ec001d56"}


def drop_indexes(apps, schema_editor):
    for column, suffix in PLACES.items():
        for name in (
            f"assessments_assessment_{column}_id_{suffix}",
            f"assessments_assessment_{column}_id_{suffix}_like",
        ):
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


def create_indexes(apps, schema_editor):
    for column, suffix in PLACES.items():
        name = f"assessments_assessment_{column}_id_{suffix}"
        schema_editor.execute(f'CREATE INDEX "{name}" ON "assessments_assessment" ("{column}_id")')
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX "{name}_like" ON "assessments_assessment" ("{column}_id" varchar_pattern_ops)'
            )


def region(**options):
    return models.ForeignKey(
        db_index=False,
        on_delete=django.db.models.deletion.PROTECT,
        related_name="+",
        to="regions.region",
        **options,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0010_merge_queue_index_and_site_checks"),
        ("regions", "0002_load_divisions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="assessment", name="city", field=region(blank=True, null=True)
                ),
                migrations.AlterField(model_name="assessment", name="county", field=region()),
                migrations.AlterField(model_name="assessment", name="province", field=region()),
            ],
            database_operations=[migrations.RunPython(drop_indexes, create_indexes)],
        ),
    ]
