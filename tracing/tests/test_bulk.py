"""tracing.bulk: bulk close and bulk follow-up date, all or nothing, through the single-index
services' rules."""

import datetime
from functools import partial
from unittest import mock

import pytest
from django.db import DatabaseError
from django.utils import timezone

from tests.factories import IndexFactory
from tracing import services
from tracing.bulk import BulkRefused, RowState, indexes_close, indexes_set_follow_up
from tracing.models import Index

pytestmark = pytest.mark.django_db

BERGEN = "4601"


def _statuses(indexes) -> list[str]:
    return [Index.objects.get(pk=i.pk).status for i in indexes]


def _follow_ups(indexes) -> list[datetime.date]:
    return [Index.objects.get(pk=i.pk).follow_up_on for i in indexes]


def test_close_closes_every_index():
    indexes = IndexFactory.create_batch(3)
    indexes_close(indexes=indexes)
    assert _statuses(indexes) == ["closed"] * 3
    assert all(Index.objects.get(pk=i.pk).closed_at for i in indexes)


def test_close_refused_in_the_middle_changes_nothing():
    first, middle, last = IndexFactory.create_batch(3)
    Index.objects.filter(pk=middle.pk).update(status="closed", closed_at=timezone.now())
    with pytest.raises(BulkRefused) as refused:
        indexes_close(indexes=[first, middle, last])
    assert refused.value.index == middle
    # The single-index rule's own words: the rule is written once, in services.index_close.
    assert refused.value.reason == "Indeksen er allerede avsluttet."
    assert _statuses([first, last]) == ["active", "active"]


def test_a_database_failure_in_the_middle_rolls_back_the_rows_already_closed():
    indexes = IndexFactory.create_batch(3)
    calls = []

    def close_then_fail(*, index, now=None):
        calls.append(index.pk)
        if len(calls) == 2:
            raise DatabaseError("connection lost")
        return services.index_close(index=index, now=now)

    with (
        mock.patch("tracing.bulk.index_close", side_effect=close_then_fail),
        pytest.raises(DatabaseError),
    ):
        indexes_close(indexes=indexes)
    assert len(calls) == 2
    assert _statuses(indexes) == ["active"] * 3


def test_follow_up_sets_one_date_on_every_index():
    indexes = IndexFactory.create_batch(2)
    date = timezone.localdate() + datetime.timedelta(days=3)
    indexes_set_follow_up(indexes=indexes, follow_up_on=date)
    assert _follow_ups(indexes) == [date, date]


def test_follow_up_on_a_closed_index_in_the_middle_changes_nothing():
    today = timezone.localdate()
    first, closed, last = IndexFactory.create_batch(3)
    Index.objects.filter(pk=closed.pk).update(status="closed", closed_at=timezone.now())
    with pytest.raises(BulkRefused) as refused:
        indexes_set_follow_up(
            indexes=[first, closed, last], follow_up_on=today + datetime.timedelta(days=2)
        )
    assert refused.value.index == closed
    assert refused.value.reason == "Bare en aktiv indeks kan få ny oppfølgingsdato."
    assert _follow_ups([first, last]) == [today, today]


def test_follow_up_in_the_past_is_refused():
    indexes = IndexFactory.create_batch(2)
    with pytest.raises(BulkRefused) as refused:
        indexes_set_follow_up(
            indexes=indexes, follow_up_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    assert refused.value.reason == "Neste oppfølging kan ikke være tilbake i tid."


def test_a_row_changed_since_it_was_confirmed_refuses_the_whole_action():
    first, changed = IndexFactory.create_batch(2)
    expected = {i.pk: RowState.of(i) for i in (first, changed)}
    later = timezone.localdate() + datetime.timedelta(days=5)
    Index.objects.filter(pk=changed.pk).update(follow_up_on=later)  # another tracer, meanwhile
    with pytest.raises(BulkRefused) as refused:
        indexes_close(indexes=[first, changed], expected=expected)
    assert refused.value.index == changed
    assert "endret av noen andre" in refused.value.reason
    assert _statuses([first, changed]) == ["active", "active"]


def test_a_row_moved_to_another_municipality_since_it_was_confirmed_is_refused():
    first, moved = IndexFactory.create_batch(2)
    expected = {i.pk: RowState.of(i) for i in (first, moved)}
    Index.objects.filter(pk=moved.pk).update(municipality_id=BERGEN)
    with pytest.raises(BulkRefused):
        indexes_close(indexes=[first, moved], expected=expected)
    assert _statuses([first, moved]) == ["active", "active"]


def test_dry_run_answers_like_the_real_run_and_changes_nothing():
    ok = IndexFactory.create_batch(2)
    indexes_close(indexes=ok, dry_run=True)
    assert _statuses(ok) == ["active", "active"]
    closed = IndexFactory(closed=True)
    with pytest.raises(BulkRefused):
        indexes_close(indexes=[*ok, closed], dry_run=True)


# --- concurrent bulk actions (PostgreSQL: real row locks) ---

ROUNDS = 10


def _labelled(call):
    def run() -> str:
        try:
            call()
        except BulkRefused:
            return "refused"
        return "done"

    return run


@pytest.mark.django_db(transaction=True)
def test_two_overlapping_bulk_closes_one_wins_whole_and_neither_deadlocks(postgres_only):
    """Rows taken in opposite orders by two tracers at once: locks are taken in id order, so
    there is no deadlock; the one that runs second finds its rows changed and changes none."""
    from tracing.tests.test_concurrency import _two_at_once

    for _ in range(ROUNDS):
        a, b, c = IndexFactory.create_batch(3)
        states = {i.pk: RowState.of(i) for i in (a, b, c)}
        first = _labelled(partial(indexes_close, indexes=[a, b, c], expected=states))
        second = _labelled(partial(indexes_close, indexes=[b, a], expected=states))
        outcomes = _two_at_once(first, second)
        assert sorted(outcomes) == ["done", "refused"], outcomes
        if outcomes[0] == "done":
            assert _statuses([a, b, c]) == ["closed"] * 3
        else:  # the two-row action ran first: the three-row one changed nothing, c stays
            assert _statuses([a, b, c]) == ["closed", "closed", "active"]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_follow_up_racing_a_single_close_ends_in_a_serial_order(postgres_only):
    """Either the bulk date first, then the close (two dated, one closed); or the close first,
    and the bulk action finds a changed row and changes nothing. Never some rows dated."""
    from tracing.tests.test_concurrency import _two_at_once

    later = timezone.localdate() + datetime.timedelta(days=4)
    for _ in range(ROUNDS):
        rows = IndexFactory.create_batch(3)
        states = {i.pk: RowState.of(i) for i in rows}
        bulk = _labelled(
            partial(indexes_set_follow_up, indexes=rows, follow_up_on=later, expected=states)
        )

        def close(index=rows[1]) -> str:
            services.index_close(index=index)
            return "closed"

        outcome, closed = _two_at_once(bulk, close)
        assert closed == "closed"
        assert _statuses(rows) == ["active", "closed", "active"]
        dates = _follow_ups([rows[0], rows[2]])
        if outcome == "done":
            assert dates == [later, later]
        else:
            assert outcome == "refused", outcome
            assert dates == [timezone.localdate()] * 2
