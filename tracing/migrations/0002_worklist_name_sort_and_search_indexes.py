"""Indexes for the worklists at national scale (issue 5, B4; B-2 sorting and name search).

Measured at 1 000 000 persons (Oslo: 35 000 indexes due today of 50 000 open), bench/b4_worklists.py:

- Sorting a worklist by name or birth date joined every person of the list and sorted them
  (270 ms); with (last_name, first_name, id) and (birth_date, id) PostgreSQL walks the persons
  in order and stops after a page (2-3 ms).
- The name search is `icontains` on first, middle and last name (UPPER(col) LIKE UPPER('%x%')),
  which no btree can serve: it read every person (140 ms for the count, again for the page).
  Trigram GIN indexes on the same UPPER(...) expressions serve it (pg_trgm, a trusted
  extension since PostgreSQL 13: the database owner may create it).

PostgreSQL only: SQLite (development, tests) has no pg_trgm, and its lists are small. The model
state does not change, so nothing here shows up in makemigrations.
"""

from django.db import migrations

NAME_COLUMNS = ("first_name", "middle_name", "last_name")

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS person_name_sort ON tracing_person (last_name, first_name, id)",
    "CREATE INDEX IF NOT EXISTS person_birth_sort ON tracing_person (birth_date, id)",
    *(
        f"CREATE INDEX IF NOT EXISTS person_{column}_trgm ON tracing_person "
        f"USING gin (UPPER({column}::text) gin_trgm_ops)"
        for column in NAME_COLUMNS
    ),
]
BACKWARD = [
    "DROP INDEX IF EXISTS person_name_sort",
    "DROP INDEX IF EXISTS person_birth_sort",
    *(f"DROP INDEX IF EXISTS person_{column}_trgm" for column in NAME_COLUMNS),
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("tracing", "0001_initial")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD), elidable=False)]
