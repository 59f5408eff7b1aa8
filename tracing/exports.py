"""The CSV export of a worklist: logged and read in one snapshot (B-4).

Every exported row must have its access-log entry before the first byte is sent. The log is
written inside PostgreSQL (tracing.access.index_queryset_log, INSERT … SELECT) and the rows are
then streamed: read twice, an index that joined the list between the two reads (a
self-registration in that very moment) would be shown without an entry. So on PostgreSQL both
run in one REPEATABLE READ transaction, the rows through a cursor declared WITH HOLD before
the commit: the commit makes the log durable and keeps the cursor's rows, from the same
snapshot, on the server, where the stream fetches them a chunk at a time after the view has
returned. Memory in Python stays flat.

SQLite (development and tests only) has one writer at a time; there the list is read again.
"""

import uuid
from collections.abc import Iterator, Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, transaction
from django.db.models import QuerySet

from accounts.models import AccessAction
from tracing.access import close_contacts_list_log, index_queryset_log
from tracing.close_contact_worklist import (
    close_contact_export_rows,
    close_contact_export_values,
)
from tracing.models import CloseContact, Index
from tracing.worklists import Column, worklist_export_rows, worklist_export_values

_FETCH = 2000  # rows per fetch


def worklist_export(
    *, user: AbstractBaseUser, indexes: QuerySet[Index], columns: Sequence[Column]
) -> Iterator[list[str]]:
    """Log every row of the list for `user` (B-4), then return its CSV rows, read from the
    same snapshot as the log on PostgreSQL."""
    values = worklist_export_values(indexes, columns)
    connection = connections[values.db]
    if connection.vendor != "postgresql":
        index_queryset_log(user=user, indexes=indexes, action=AccessAction.EXPORT)
        return worklist_export_rows(values.iterator(chunk_size=_FETCH), columns)
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=values.db):
        if outermost:  # inside a caller's transaction (tests) the snapshot is the caller's
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        index_queryset_log(user=user, indexes=indexes, action=AccessAction.EXPORT)
        held = _declare_held(connection, values)
    return worklist_export_rows(_fetch(held), columns)


def _declare_held(connection, values: QuerySet):
    """A server-side cursor WITH HOLD over the values() query: it outlives the commit."""
    sql, params = values.query.sql_with_params()
    cursor = connection.connection.cursor(name=f"export_{uuid.uuid4().hex}", withhold=True)
    cursor.execute(sql, params)
    return cursor


def _fetch(cursor) -> Iterator[Sequence]:
    try:
        while rows := cursor.fetchmany(_FETCH):
            yield from rows
    finally:
        cursor.close()


def close_contact_export(
    *, user: AbstractBaseUser, contacts: QuerySet[CloseContact], columns: Sequence[Column]
) -> Iterator[list[str]]:
    """Log every row of the «Nærkontakter» list for `user` (B-4), then return its CSV rows.

    The rows are read once, logged from that read and written from it: the same snapshot on
    every database. A municipality's close contacts are a few thousand rows, not the index
    lists' tens of thousands, so they are held in memory rather than in a held cursor."""
    rows = list(close_contact_export_values(contacts, columns))
    close_contacts_list_log(user=user, rows=rows, action=AccessAction.EXPORT)
    return close_contact_export_rows(rows, columns)
