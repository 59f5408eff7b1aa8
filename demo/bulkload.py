"""Bulk writing for the population generator: COPY on PostgreSQL, bulk_create elsewhere.

This writes the register's and the tracing system's tables directly, which the rest of the
code never does (apps write each other's data through services). It is a loader of synthetic
load-test data, like a fixture: a million rows through `tracing.services.index_register`
would take hours. The rows follow the invariants the services keep (see population_tracing),
and demo/tests/test_generate_population.py checks them through the selectors.
"""

import json
from collections import Counter

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection
from django.db.models import JSONField, Model

from registers.models import SyntheticKrrEntry, SyntheticParentage, SyntheticPerson
from tracing.models import CloseContact, Index, Note, Person, PersonLock
from tracing.registration import ANSWER_FIELDS

# Row layouts: the generators build tuples in exactly this column order.
TABLES: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "register_person": (
        SyntheticPerson,
        (
            "fnr",
            "first_name",
            "middle_name",
            "last_name",
            "birth_date",
            "has_address",
            "street_name",
            "house_number",
            "house_letter",
            "unit_number",
            "postal_code",
            "municipality_number",
        ),
    ),
    "parentage": (SyntheticParentage, ("parent_fnr", "child_id")),
    "krr": (SyntheticKrrEntry, ("person_id", "phone", "email", "reserved")),
    "person": (
        Person,
        (
            "id",
            "fnr",
            "municipality_id",
            "first_name",
            "middle_name",
            "last_name",
            "birth_date",
            "street_address",
            "postal_code",
            "post_town",
            "phone",
            "email",
            "possible_duplicate",
            "created_at",
            "updated_at",
        ),
    ),
    "index": (
        Index,
        (
            "id",
            "person_id",
            "fnr",
            "reference",
            "municipality_id",
            "status",
            "opened_at",
            "closed_at",
            "follow_up_on",
            *ANSWER_FIELDS,
            "self_registered",
            "registered_by_kind",
            "registered_by_fnr",
            "submission_id",
            "duplicate_rule",
            "duplicate_candidates",
            "converted_from_contact_id",
            "birth_date",
        ),
    ),
    "contact": (
        CloseContact,
        ("id", "person_id", "index_id", "municipality_id", "registered_at", "last_contact_on"),
    ),
    "note": (Note, ("index_id", "title", "text", "created_at", "author_label")),
    "lock": (PersonLock, ("fnr",)),
}
GENERATED_MODELS = [model for model, _ in TABLES.values()]


def dependent_models(models: list[type[Model]]) -> list[type[Model]]:
    """`models` and every model that refers to one of them, however indirectly: what has to
    be emptied with them (e.g. an access log pointing at tracing persons)."""
    found = list(models)
    changed = True
    while changed:
        changed = False
        for model in apps.get_models(include_auto_created=True):
            if model in found:
                continue
            targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
            if targets & set(found):
                found.append(model)
                changed = True
    return found


def tables_with_rows(models: list[type[Model]]) -> list[str]:
    return [m._meta.db_table for m in models if m.objects.exists()]


def empty_tables(models: list[type[Model]]) -> None:
    """Empty these tables (call inside a transaction). Foreign keys are deferred in Django's
    schema on both backends, so the order of the deletes does not matter."""
    tables = [connection.ops.quote_name(m._meta.db_table) for m in models]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # TRUNCATE refuses while deferred foreign-key checks are pending in the transaction
            # (rows written earlier in it): run them now, then defer again (Django's default).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            # Ids are not restarted: the access log (B-4) keeps person and index ids.
            cursor.execute(f"TRUNCATE {', '.join(tables)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - names from our models


def next_ids(models: list[type[Model]]) -> dict[type[Model], int]:
    """The first id to give each model's new rows: past every id it ever handed out, so that
    ids kept elsewhere (the access log, B-4) never come to mean another record."""
    starts = {}
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [table])
                starts[model] = cursor.fetchone()[0]
            else:  # SQLite: Django's AUTOINCREMENT keeps the highest id in sqlite_sequence
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                row = cursor.fetchone()
                starts[model] = (row[0] if row else 0) + 1
    return starts


class BulkWriter:
    """Buffers rows per table and writes a batch when it is full, then at `close()`."""

    def __init__(self, *, batch_size: int = 20_000):
        self.batch_size = batch_size
        self.postgres = connection.vendor == "postgresql"
        self.buffers: dict[str, list[tuple]] = {key: [] for key in TABLES}
        self.written: Counter[str] = Counter()

    def add(self, key: str, row: tuple) -> None:
        buffer = self.buffers[key]
        buffer.append(row)
        if len(buffer) >= self.batch_size:
            self.flush(key)

    def flush(self, key: str) -> None:
        rows = self.buffers[key]
        if not rows:
            return
        model, columns = TABLES[key]
        if self.postgres:
            self._copy(model, columns, rows)
        else:
            model.objects.bulk_create(
                [model(**dict(zip(columns, row, strict=True))) for row in rows]
            )
        self.written[key] += len(rows)
        self.buffers[key] = []

    def _copy(self, model: type[Model], columns: tuple[str, ...], rows: list[tuple]) -> None:
        fields = [model._meta.get_field(name) for name in columns]
        json_at = [i for i, f in enumerate(fields) if isinstance(f, JSONField)]
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row(row)

    def close(self) -> None:
        for key in TABLES:
            self.flush(key)
        models = GENERATED_MODELS
        with connection.cursor() as cursor:
            # Ids were given explicitly: move the sequences past them.
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
            if self.postgres:
                # Fresh statistics, so that the planner sees the new sizes at once.
                for model in models:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
