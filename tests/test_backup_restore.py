"""Backup and restore on PostgreSQL (README, "Backup and restore"): pg_dump of the database,
pg_restore into a new one, and the copy has the same rows in every table, sequences that go
on past them, and the access log still append-only (B-4: its trigger refuses UPDATE and DELETE).

PostgreSQL only: pg_dump is PostgreSQL's; the SQLite run has nothing to dump this way and skips
with that reason (CI's PostgreSQL run does it).
"""

import os
import secrets
import subprocess

import psycopg
import pytest
from django.db import connection

from accounts.models import AccessLogEntry
from tests.factories import CloseContactFactory, IndexFactory, NoteFactory, StaffFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """What pg_dump and pg_restore read to reach the server the tests use."""
    env = {**os.environ, "PGHOST": settings_dict["HOST"] or "127.0.0.1"}
    env["PGPORT"] = str(settings_dict["PORT"] or 5432)
    env["PGUSER"] = settings_dict["USER"] or "postgres"
    if settings_dict["PASSWORD"]:
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def _conninfo(settings_dict: dict, name: str) -> str:
    env = _pg_environment(settings_dict)
    password = f" password={env['PGPASSWORD']}" if "PGPASSWORD" in env else ""
    return f"host={env['PGHOST']} port={env['PGPORT']} user={env['PGUSER']} dbname={name}{password}"


def _row_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - names from pg_tables
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def restored_name():
    settings_dict = connection.settings_dict
    name = f"{settings_dict['NAME']}_restored_{secrets.token_hex(3)}"
    yield name
    with psycopg.connect(_conninfo(settings_dict, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_pg_dump_and_restore_keep_every_row_and_the_append_only_access_log(
    postgres_only, tmp_path, restored_name
):
    staff = StaffFactory(tracer_in=["0301"])
    indexes = [IndexFactory(municipality_id="0301") for _ in range(3)]
    CloseContactFactory(index=indexes[0])
    NoteFactory(index=indexes[1])
    for index in indexes:
        AccessLogEntry.objects.create(
            user=staff,
            username=staff.username,
            role="tracer",
            municipality_id="0301",
            object_type="index",
            object_id=index.pk,
            action="view",
            allowed=True,
        )
    settings_dict = connection.settings_dict
    env = _pg_environment(settings_dict)
    dump = tmp_path / "smittesporing.dump"

    # The README's commands.
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={dump}", settings_dict["NAME"]],
        env=env,
        check=True,
        timeout=120,
    )
    subprocess.run(["createdb", restored_name], env=env, check=True, timeout=60)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored_name}", str(dump)],
        env=env,
        check=True,
        timeout=120,
    )

    with connection.cursor() as cursor:
        original = _row_counts(cursor)
    assert original["accounts_accesslogentry"] == 3
    assert original["tracing_index"] == 3
    assert original["municipalities_municipality"] > 300  # the reference data came along

    with (
        psycopg.connect(_conninfo(settings_dict, restored_name), autocommit=True) as copy,
        copy.cursor() as cursor,
    ):
        assert _row_counts(cursor) == original
        for sql in (
            "UPDATE accounts_accesslogentry SET allowed = false",
            "DELETE FROM accounts_accesslogentry",
        ):
            with pytest.raises(psycopg.errors.RaiseException, match="append-only"):
                cursor.execute(sql)
        cursor.execute("SELECT count(*) FROM accounts_accesslogentry WHERE allowed")
        assert cursor.fetchone()[0] == 3
        # The sequences were restored too: a new entry gets a new id.
        cursor.execute(
            "INSERT INTO accounts_accesslogentry (at, user_id, username, role, object_type,"
            " person_fnr, action, allowed) VALUES (now(), %s, %s, 'tracer', 'index', '',"
            " 'view', true) RETURNING id",
            [staff.pk, staff.username],
        )
        new_id = cursor.fetchone()[0]
        assert new_id > max(AccessLogEntry.objects.values_list("pk", flat=True))
