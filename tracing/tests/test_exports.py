"""tracing.exports: the CSV export is logged (B-4) and read in one snapshot, so no row is shown
without its access-log entry, even when the list changes between the two."""

import threading

import pytest
from django.db import connection

from accounts.models import AccessLogEntry
from tests.factories import IndexFactory, StaffFactory
from tracing import exports
from tracing.models import Index
from tracing.worklists import COLUMNS

OSLO = "0301"
COLUMN_KEYS = ["fodselsnummer", "status", "opprettet"]


def _export(user) -> list[list[str]]:
    columns = [COLUMNS[key] for key in COLUMN_KEYS]
    indexes = Index.objects.filter(municipality_id=OSLO).order_by("pk")
    return list(exports.worklist_export(user=user, indexes=indexes, columns=columns))


@pytest.mark.django_db
def test_every_exported_row_has_its_entry_and_nothing_more():
    tracer = StaffFactory(tracer_in=[OSLO])
    indexes = [IndexFactory() for _ in range(3)]
    rows = _export(tracer)
    assert [row[1] for row in rows] == [i.fnr for i in indexes]
    logged = AccessLogEntry.objects.filter(action="export", user=tracer)
    assert sorted(logged.values_list("index_id", flat=True)) == [i.pk for i in indexes]


@pytest.mark.django_db(transaction=True)
def test_an_index_arriving_between_log_and_stream_is_not_shown_unlogged(postgres_only, monkeypatch):
    """A self-registration committed by another connection right after the log was written,
    before the rows are read: on PostgreSQL the rows come from the log's snapshot."""
    tracer = StaffFactory(tracer_in=[OSLO])
    first = IndexFactory()
    arrived = []
    real_log = exports.index_queryset_log

    def log_then_another_registration_commits(**kwargs):
        written = real_log(**kwargs)

        def register():
            arrived.append(IndexFactory())  # its own connection, committed at once
            connection.close()

        thread = threading.Thread(target=register)
        thread.start()
        thread.join()
        return written

    monkeypatch.setattr(exports, "index_queryset_log", log_then_another_registration_commits)
    rows = _export(tracer)
    assert arrived and Index.objects.filter(pk=arrived[0].pk).exists()
    assert [row[1] for row in rows] == [first.fnr]  # the newcomer is not shown ...
    logged = AccessLogEntry.objects.filter(action="export", user=tracer)
    assert list(logged.values_list("index_id", flat=True)) == [first.pk]  # ... nor logged
