"""Local standards as data (issue 12): a local standard has a province, a campaign year, a version
number and a state (draft / published); criteria carry a threshold in their unit, whether they
require evidence, and map onto a national criterion (a national criterion onto itself).

`threshold_percent` becomes `threshold` (its unit is the criterion's kind); `weight` (never used,
points say the same) and `is_active` (replaced by the state) go. Reversible."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def forwards(apps, schema_editor):
    """Existing rows: the national standard is published and its criteria map onto themselves;
    a local variant made in the admin gets the year it was issued in and is published if it was
    active (it was in force), a draft otherwise."""
    from apps.standards.loader import load_national_standard

    StandardVersion = apps.get_model("standards", "StandardVersion")
    load_national_standard(
        StandardVersion, apps.get_model("standards", "Category"), apps.get_model("standards", "Criterion")
    )
    drafts, versions = set(), {}
    for variant in StandardVersion.objects.filter(province__isnull=False).order_by("issued", "id"):
        variant.year = variant.issued.year if variant.issued else 2020
        key = (variant.province_id, variant.year)
        versions[key] = variant.version = versions.get(key, 0) + 1
        # One draft per province and year: a second inactive variant of a year counts as published.
        if variant.is_active or key in drafts:
            variant.state = "published"
            variant.published_at = django.utils.timezone.now()
        else:
            variant.state = "draft"
            drafts.add(key)
        variant.save(update_fields=["year", "version", "state", "published_at"])


def backwards(apps, schema_editor):
    """The national criteria's self-mapping would protect them from deletion by standards 0002's
    reverse: drop it (local criteria keep theirs)."""
    Criterion = apps.get_model("standards", "Criterion")
    Criterion.objects.filter(standard__province__isnull=True).update(national_criterion=None)
    StandardVersion = apps.get_model("standards", "StandardVersion")
    StandardVersion.objects.filter(state="published").update(is_active=True)
    StandardVersion.objects.filter(state="draft").update(is_active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("regions", "0002_load_divisions"),
        ("standards", "0002_national_trial_standard"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField(model_name="criterion", old_name="threshold_percent", new_name="threshold"),
        migrations.AlterField(
            model_name="criterion",
            name="threshold",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=7, null=True, verbose_name="Threshold"
            ),
        ),
        migrations.RemoveField(model_name="criterion", name="weight"),
        migrations.AddField(
            model_name="criterion",
            name="requires_evidence",
            field=models.BooleanField(
                default=True,
                help_text="A rating of met or largely met needs at least one evidence file",
                verbose_name="Requires evidence",
            ),
        ),
        migrations.AlterField(
            model_name="criterion",
            name="national_criterion",
            field=models.ForeignKey(
                blank=True,
                help_text="The national criterion this criterion counts under in every figure",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="standards.criterion",
                verbose_name="National criterion",
            ),
        ),
        migrations.AlterField(
            model_name="standardversion",
            name="issued",
            field=models.DateField(blank=True, null=True, verbose_name="Issued"),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="Campaign year"),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="version",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="Version"),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="state",
            field=models.CharField(
                choices=[("draft", "Draft"), ("published", "Published")],
                default="draft",
                max_length=10,
                verbose_name="State",
            ),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="copied_from",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="standards.standardversion",
                verbose_name="Started as a copy of",
            ),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="total_points",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=6, null=True, verbose_name="Total points"
            ),
        ),
        migrations.AddField(
            model_name="standardversion", name="revision", field=models.PositiveIntegerField(default=1)
        ),
        migrations.AddField(
            model_name="standardversion",
            name="created_at",
            field=models.DateTimeField(
                auto_now_add=True, default=django.utils.timezone.now, verbose_name="Created"
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="standardversion",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="updated_at",
            field=models.DateTimeField(auto_now=True, verbose_name="Updated"),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="published_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Published at"),
        ),
        migrations.AddField(
            model_name="standardversion",
            name="published_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="Published by",
            ),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="standardversion", name="is_active"),
        migrations.AddConstraint(
            model_name="standardversion",
            constraint=models.UniqueConstraint(
                fields=("province", "year", "version"), name="standard_unique_version"
            ),
        ),
        migrations.AddConstraint(
            model_name="standardversion",
            constraint=models.UniqueConstraint(
                condition=models.Q(("state", "draft")),
                fields=("province", "year"),
                name="standard_one_draft_per_year",
            ),
        ),
        migrations.AddConstraint(
            model_name="standardversion",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("province__isnull", True), ("year__isnull", True)),
                    models.Q(("province__isnull", False), ("year__isnull", False)),
                    _connector="OR",
                ),
                name="standard_local_has_year",
            ),
        ),
    ]
