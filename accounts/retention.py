"""Retention of staff data (S11): access-log entries past their period, and old login failures.

A service module of the accounts app, apart from services.py to keep modules small; the rules
that call it (periods, order) are declared in tracing/retention_rules.py.

The access log is append-only (B-4): the model refuses delete() and, on PostgreSQL, a trigger
refuses every UPDATE and DELETE. This is the one path that deletes from it, and only entries
older than the cut-off: it tells the trigger the cut-off in a transaction-local setting
(`smittesporing.access_log_retention_before`, migration 0004), and the trigger lets a DELETE
through only for a row older than that. Any other DELETE is still refused.
"""

import datetime

from django.db import connection, transaction

from accounts.models import AccessLogEntry, LoginFailure, LoginLockout

RETENTION_SETTING = "smittesporing.access_log_retention_before"
_BATCH = 5000


def access_log_delete(*, before: datetime.datetime, dry_run: bool = False) -> int:
    """Delete access-log entries written before `before`; returns how many (would be) deleted."""
    entries = AccessLogEntry.objects.filter(at__lt=before)
    if dry_run:
        return entries.count()
    table = connection.ops.quote_name(AccessLogEntry._meta.db_table)
    deleted = 0
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT set_config(%s, %s, true)", [RETENTION_SETTING, before.isoformat()]
            )
        while True:
            # In batches, so no single statement holds very many row locks at once.
            cursor.execute(
                f"DELETE FROM {table} WHERE id IN "  # noqa: S608 (the table name is ours)
                f"(SELECT id FROM {table} WHERE at < %s ORDER BY id LIMIT %s)",
                [before, _BATCH],
            )
            if cursor.rowcount <= 0:
                break
            deleted += cursor.rowcount
    return deleted


def login_failures_delete(*, before: datetime.datetime, dry_run: bool = False) -> int:
    """Delete failed-login records and ended lockouts from before `before`. They hold what was
    typed as a username, which may be anything (even a fødselsnummer typed in the wrong field);
    they matter only for the 15-minute lockout window."""
    failures = LoginFailure.objects.filter(failed_at__lt=before)
    lockouts = LoginLockout.objects.filter(locked_until__lt=before)
    if dry_run:
        return failures.count() + lockouts.count()
    with transaction.atomic():
        return failures.delete()[0] + lockouts.delete()[0]
