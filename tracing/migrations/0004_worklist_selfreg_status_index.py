"""A partial index for "Selvregistrerte personer" filtered by status (issue 5, B4).

The list is a municipality's self-registered indexes, newest first; with the status filter
(active or closed) the existing (municipality_id, self_registered, opened_at) index found the
rows but had to read each from the table to check its status: 38 ms for the count and 26 ms for
a page at 1 000 000 persons (Oslo: 41 000 self-registered). (municipality_id, status,
opened_at, id) over the self-registered indexes answers both from the index.

PostgreSQL only, like 0002: the model state does not change.
"""

from django.db import migrations

FORWARD = [
    "CREATE INDEX IF NOT EXISTS index_selfreg_status_opened ON tracing_index "
    "(municipality_id, status, opened_at, id) WHERE self_registered",
]
BACKWARD = ["DROP INDEX IF EXISTS index_selfreg_status_opened"]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tracing", "0003_worklist_active_sort_indexes")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
