# «Referansenummer» on every index: added empty, filled for the existing indexes, then required
# and unique. Reversible: going back drops the column.

from django.db import migrations, models

import tracing.references


def fill_references(apps, schema_editor):
    Index = apps.get_model("tracing", "Index")
    used = set()
    for index in Index.objects.filter(reference__isnull=True).only("pk").iterator():
        reference = tracing.references.reference_new()
        while reference in used:
            reference = tracing.references.reference_new()
        used.add(reference)
        Index.objects.filter(pk=index.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [
        ("tracing", "0007_close_contact_status_and_reporter"),
    ]

    operations = [
        migrations.AddField(
            model_name="index",
            name="reference",
            field=models.CharField(editable=False, max_length=10, null=True),
        ),
        migrations.RunPython(fill_references, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="index",
            name="reference",
            field=models.CharField(
                default=tracing.references.reference_new,
                editable=False,
                max_length=10,
                unique=True,
            ),
        ),
    ]
