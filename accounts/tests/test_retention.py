"""S11 for the access log and the login records, and B-4 still holding: the retention service
deletes old access-log entries; every other DELETE or UPDATE is still refused (on PostgreSQL by
the trigger of migrations 0002 and 0004)."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from freezegun import freeze_time

from accounts.models import AccessLogEntry, AppendOnlyError, LoginFailure, LoginLockout
from accounts.retention import RETENTION_SETTING, access_log_delete, login_failures_delete
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
CUTOFF = NOW - datetime.timedelta(days=730)


def entry(days_ago: int, user=None) -> AccessLogEntry:
    user = user or StaffFactory()
    return AccessLogEntry.objects.create(
        at=NOW - datetime.timedelta(days=days_ago),
        user=user,
        username=user.username,
        object_type="index",
        action="view",
        allowed=True,
    )


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time(NOW):
        yield


def test_s11_old_access_log_entries_go_and_newer_ones_stay():
    user = StaffFactory()
    old = [entry(800, user), entry(731, user)]
    kept = [entry(729, user), entry(1, user)]
    assert access_log_delete(before=CUTOFF, dry_run=True) == 2
    assert AccessLogEntry.objects.count() == 4
    assert access_log_delete(before=CUTOFF) == 2
    remaining = set(AccessLogEntry.objects.values_list("pk", flat=True))
    assert remaining == {e.pk for e in kept}
    assert not remaining & {e.pk for e in old}
    assert access_log_delete(before=CUTOFF) == 0  # safe to run twice


def test_s11_deletes_in_batches(monkeypatch):
    from accounts import retention

    monkeypatch.setattr(retention, "_BATCH", 2)
    user = StaffFactory()
    for _ in range(5):
        entry(800, user)
    assert access_log_delete(before=CUTOFF) == 5
    assert not AccessLogEntry.objects.exists()


def test_b4_the_model_still_refuses_delete_and_update():
    old = entry(800)
    with pytest.raises(AppendOnlyError):
        old.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=old.pk).delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=old.pk).update(allowed=False)


def _raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_s11_b4_the_trigger_refuses_an_ordinary_delete_even_of_an_old_entry(postgres_only):
    old = entry(800)
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM accounts_accesslogentry WHERE id = %s", [old.pk])
    assert AccessLogEntry.objects.filter(pk=old.pk).exists()


def test_s11_b4_the_retention_setting_lets_only_older_entries_go(postgres_only):
    new = entry(10)
    old = entry(800)
    for statement, pk in (
        ("DELETE FROM accounts_accesslogentry WHERE id = %s", new.pk),
        ("UPDATE accounts_accesslogentry SET allowed = false WHERE id = %s", old.pk),
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [RETENTION_SETTING, CUTOFF.isoformat()]
            )
            cursor.execute(statement, [pk])
    assert AccessLogEntry.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # real COMMITs, not savepoints in a test transaction
def test_s11_b4_the_retention_setting_ends_with_its_transaction(postgres_only):
    old = entry(800)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config(%s, %s, true)", [RETENTION_SETTING, CUTOFF.isoformat()])
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM accounts_accesslogentry WHERE id = %s", [old.pk])


def test_s11_old_login_failures_and_ended_lockouts_go():
    day = datetime.timedelta(days=1)
    LoginFailure.objects.create(username="x", failed_at=NOW - 2 * day)
    LoginFailure.objects.create(username="y", failed_at=NOW)
    LoginLockout.objects.create(username="x", locked_until=NOW - 2 * day)
    LoginLockout.objects.create(username="y", locked_until=NOW + day)
    assert login_failures_delete(before=NOW - day, dry_run=True) == 2
    assert login_failures_delete(before=NOW - day) == 2
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["y"]
    assert list(LoginLockout.objects.values_list("username", flat=True)) == ["y"]
    assert login_failures_delete(before=NOW - day) == 0
