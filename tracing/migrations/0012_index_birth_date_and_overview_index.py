"""The index's own copy of the person's birth date, and an index for «Oversikt» (B7).

The overview counts a municipality's indexes of the last 8 weeks by day, test date, answers and
age group (tracing.overview). At 1 000 000 persons that is 52 000 Oslo indexes; the join to
tracing_person for the birth date alone took 130–290 ms (hash or nested-loop join, EXPLAIN
ANALYZE on the shared machine), more than the whole page may take. The birth date is copied at
registration like the number is, existing rows are filled from their person, and a covering
index on (municipality_id, opened_at) with the columns the overview reads lets PostgreSQL answer
the period's two GROUP BY queries from the index alone.

The covering index is PostgreSQL only (SQLite has no INCLUDE), like 0002: its model state does
not change.
"""

from django.db import migrations, models

BACKFILL = (
    "UPDATE tracing_index SET birth_date = "
    "(SELECT p.birth_date FROM tracing_person p WHERE p.id = tracing_index.person_id)"
)
FORWARD = [
    "CREATE INDEX IF NOT EXISTS index_overview_period ON tracing_index "
    "(municipality_id, opened_at) INCLUDE (self_registered, test_date_from, infection_place, "
    "risk_group, birth_date)",
]
BACKWARD = ["DROP INDEX IF EXISTS index_overview_period"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tracing", "0011_close_contact_worklist_and_notes")]

    operations = [
        migrations.AddField(
            model_name="index",
            name="birth_date",
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop, elidable=False),
        migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False),
    ]
