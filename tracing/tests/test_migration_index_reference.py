"""Migration tracing 0008 gives every existing index its own «Referansenummer», and goes back."""

import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracing", "0007_close_contact_status_and_reporter")]
AFTER = [("tracing", "0008_index_reference")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def _columns() -> set[str]:
    with connection.cursor() as cursor:
        return {
            c.name for c in connection.introspection.get_table_description(cursor, "tracing_index")
        }


@pytest.mark.django_db(transaction=True)
def test_existing_indexes_get_unique_references_and_the_migration_reverses():
    executor = _executor()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Person = old.get_model("tracing", "Person")
    Index = old.get_model("tracing", "Index")
    for n in range(25):
        person = Person.objects.create(
            fnr=f"{n:011d}", municipality_id="0301", first_name="Kari", last_name="Syntetisk"
        )
        Index.objects.create(
            person=person,
            fnr=person.fnr,
            municipality_id="0301",
            follow_up_on="2026-12-03",
            registered_by_kind="staff",
            duplicate_rule="D-0",
            status="closed" if n else "active",
            closed_at="2026-12-03T09:00:00Z" if n else None,
        )
    assert "reference" not in _columns()

    executor = _executor()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    references = list(new.get_model("tracing", "Index").objects.values_list("reference", flat=True))
    assert len(references) == 25 == len(set(references))
    assert all(re.fullmatch(r"[2-9A-HJ-NP-Z]{10}", r) for r in references)

    _executor().migrate(BEFORE)
    assert "reference" not in _columns()
    assert old.get_model("tracing", "Index").objects.count() == 25

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())
