"""Migration tracing 0012 fills every existing index's birth date from its person record (what
«Oversikt» counts age groups from), and goes back."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("tracing", "0011_close_contact_worklist_and_notes")]
AFTER = [("tracing", "0012_index_birth_date_and_overview_index")]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


@pytest.mark.django_db(transaction=True)
def test_existing_indexes_get_their_persons_birth_date_and_the_migration_reverses():
    executor = _executor()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Person = old.get_model("tracing", "Person")
    Index = old.get_model("tracing", "Index")
    births = [datetime.date(1950 + n, 1 + n % 12, 1) for n in range(5)] + [None]
    for n, birth in enumerate(births):
        person = Person.objects.create(
            fnr=f"{n:011d}",
            municipality_id="0301",
            first_name="Kari",
            last_name="Syntetisk",
            birth_date=birth,
        )
        Index.objects.create(
            person=person,
            fnr=person.fnr,
            municipality_id="0301",
            follow_up_on="2026-12-03",
            registered_by_kind="staff",
            duplicate_rule="D-0",
            reference=f"REF{n:07d}",
        )

    executor = _executor()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = new.get_model("tracing", "Index").objects.order_by("fnr")
    assert [i.birth_date for i in rows] == births

    _executor().migrate(BEFORE)
    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())
