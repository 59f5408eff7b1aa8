"""Partial indexes that serve the sorts of the "Indeksoppfølging i dag" worklist (issue 5, B4).

The list is a municipality's active indexes; sorted by a column of the index it read all of
them (35 000 in Oslo at 1 000 000 persons) and sorted them: 65-105 ms of SQL per page. With
(municipality_id, <column>, id) over the active indexes only, PostgreSQL reads a page's rows in
order and stops (under 1 ms). (municipality_id, id) serves sorting by status (one value in
this list) and by municipality for a tracer of one municipality (worklist_sort sorts by pk).
Only active indexes are in them, so they stay small (the 50 000 open in Oslo, not the history).

PostgreSQL only, like 0002: the model state does not change.
"""

from django.db import migrations

COLUMNS = (
    "opened_at",
    "test_date_from",
    "symptom_onset_from",
    "self_registered",
    "registered_by_kind",
    "duplicate_rule",
)

FORWARD = [
    *(
        f"CREATE INDEX IF NOT EXISTS index_active_{column} ON tracing_index "
        f"(municipality_id, {column}, id) WHERE status = 'active'"
        for column in COLUMNS
    ),
    "CREATE INDEX IF NOT EXISTS index_active_id ON tracing_index (municipality_id, id) "
    "WHERE status = 'active'",
]
BACKWARD = [
    *(f"DROP INDEX IF EXISTS index_active_{column}" for column in COLUMNS),
    "DROP INDEX IF EXISTS index_active_id",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tracing", "0002_worklist_name_sort_and_search_indexes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
