"""Moving WorklistPreference from accounts to tracing keeps every row (I-3)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0005_access_log_municipality_without_own_index"),
          ("tracing", "0005_worklist_name_search_person_indexes")]  # fmt: skip
AFTER = [("accounts", "0006_worklistpreference_moves_to_tracing"),
         ("tracing", "0006_worklistpreference_from_accounts")]  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_the_rows_move_with_the_model():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    user = old_apps.get_model("auth", "User").objects.create(username="sporer")
    old_apps.get_model("accounts", "WorklistPreference").objects.create(
        user_id=user.pk, worklist="i-dag", columns=["navn", "selvregistrert"]
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    moved = new_apps.get_model("tracing", "WorklistPreference").objects.get()
    assert (moved.user_id, moved.worklist, moved.columns) == (
        user.pk,
        "i-dag",
        ["navn", "selvregistrert"],
    )
    assert "accounts_worklistpreference" not in connection.introspection.table_names()

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
