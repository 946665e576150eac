"""Loads the NBS 2023 division tree (fixtures/divisions/) so every database has it after migrate."""

from django.db import migrations


def load(apps, schema_editor):
    from apps.regions.loader import load_divisions

    load_divisions(apps.get_model("regions", "Region"))


def unload(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    for level in ("street", "county", "city", "province"):
        Region.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
