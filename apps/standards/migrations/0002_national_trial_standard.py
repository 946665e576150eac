"""The national trial standard of 2020 (5 categories, 16 criteria), present on every database."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.standards.loader import load_national_standard

    load_national_standard(
        apps.get_model("standards", "StandardVersion"),
        apps.get_model("standards", "Category"),
        apps.get_model("standards", "Criterion"),
    )


def unload(apps, schema_editor):
    StandardVersion = apps.get_model("standards", "StandardVersion")
    StandardVersion.objects.filter(code="national-trial-2020").delete()


class Migration(migrations.Migration):
    dependencies = [("standards", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
