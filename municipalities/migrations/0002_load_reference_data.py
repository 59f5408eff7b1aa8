"""Data migration: the 357 municipalities, former numbers and postal codes (A-4)."""

from django.db import migrations


def load(apps, schema_editor):
    from municipalities.reference_data import load_reference_data

    load_reference_data(
        municipality_model=apps.get_model("municipalities", "Municipality"),
        former_model=apps.get_model("municipalities", "FormerMunicipalityNumber"),
        postal_model=apps.get_model("municipalities", "PostalCode"),
    )


class Migration(migrations.Migration):
    dependencies = [("municipalities", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
