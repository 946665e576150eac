# The user's region is read through the shared cache (apps.core.fields.CachedForeignKey): a
# change of the field's class only, so the state alone changes (no constraint dropped and re-added).

import django.db.models.deletion
from django.db import migrations

import apps.core.fields


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_roles_expert_department"),
        ("regions", "0002_load_divisions"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="user",
                    name="region",
                    field=apps.core.fields.CachedForeignKey(
                        blank=True,
                        help_text="Street office: its street; city/county department: its city or county; provincial department: its provincial unit",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="Region",
                    ),
                ),
            ],
            database_operations=[],
        ),
    ]
