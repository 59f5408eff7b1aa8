"""WorklistPreference belongs to tracing, the app whose worklists it describes (I-3).

State only: the table and its rows stay; tracing 0006 takes the model over and renames the
table. Apart from accounts so that the two apps never both hold the model in their state.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_access_log_municipality_without_own_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="WorklistPreference")],
            database_operations=[],
        ),
    ]
