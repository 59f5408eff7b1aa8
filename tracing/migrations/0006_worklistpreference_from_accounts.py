"""WorklistPreference moves here from accounts (I-3): the model state is taken over as it is,
on its old table, which is then renamed. Every row is kept."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracing", "0005_worklist_name_search_person_indexes"),
        ("accounts", "0006_worklistpreference_moves_to_tracing"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="WorklistPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("worklist", models.CharField(max_length=40)),
                        ("columns", models.JSONField(default=list)),
                        ("updated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="worklist_preferences",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "accounts_worklistpreference",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "worklist"), name="one_preference_per_list"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="worklistpreference", table=None),
    ]
