"""The review app: demonstration communities (their table stays assessments_demonstration, moved here
from the assessments app in state only) and the provinces' review chains (a new table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0004_demonstrations_and_notices_move_out"),
        ("regions", "0002_load_divisions"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Demonstration",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("year", models.PositiveSmallIntegerField(verbose_name="Year")),
                        ("citation", models.CharField(max_length=300, verbose_name="Citation")),
                        ("designated_at", models.DateTimeField(verbose_name="Designated")),
                        (
                            "assessment",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="demonstration",
                                to="assessments.assessment",
                            ),
                        ),
                        (
                            "designated_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "Demonstration community",
                        "verbose_name_plural": "Demonstration communities",
                        "db_table": "assessments_demonstration",
                        "ordering": ["-year", "assessment__community_id"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="ReviewChain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="Year")),
                ("levels", models.CharField(max_length=60, verbose_name="Review levels")),
                ("set_at", models.DateTimeField(verbose_name="Set at")),
                (
                    "province",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="regions.region",
                        verbose_name="Provincial unit",
                    ),
                ),
                (
                    "set_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "Review chain",
                "verbose_name_plural": "Review chains",
                "ordering": ["province_id", "-year"],
                "constraints": [
                    models.UniqueConstraint(fields=("province", "year"), name="review_chain_one_per_year")
                ],
            },
        ),
    ]
