"""Bulk actions on worklist rows: close many indexes, or give them one follow-up date.

All or nothing, in one transaction, and through the single-index services
(tracing.services.index_close, index_set_follow_up), so each row meets exactly the rules a
single index does. A row whose state is no longer the one the tracer confirmed (closed,
rescheduled or moved to another municipality meanwhile) refuses the whole action.
"""

import datetime
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext

from tracing.models import Index
from tracing.services import TracingError, index_close, index_set_follow_up


@dataclass(frozen=True)
class RowState:
    """What a tracer saw of a row when confirming: the change is refused if it differs now."""

    municipality_number: str
    status: str
    follow_up_on: str  # ISO date, "" for none: the state travels in a signed form field

    @classmethod
    def of(cls, index: Index) -> "RowState":
        follow_up = index.follow_up_on.isoformat() if index.follow_up_on else ""
        return cls(index.municipality_id, index.status, follow_up)


class BulkRefused(TracingError):
    """Nothing was changed, because of this row."""

    def __init__(self, index: Index, reason: str):
        super().__init__(reason)
        self.index = index
        self.reason = reason


class _DryRun(Exception):
    pass


def _apply(
    indexes: Sequence[Index],
    change: Callable[[Index], object],
    *,
    expected: Mapping[int, RowState] | None,
    dry_run: bool,
) -> None:
    try:
        with transaction.atomic():
            # Locked in id order, so that two bulk actions on overlapping rows cannot deadlock.
            current = {
                i.pk: i
                for i in Index.objects.select_for_update()
                .filter(pk__in=[i.pk for i in indexes])
                .order_by("pk")
            }
            for index in indexes:
                now = current.get(index.pk)
                if now is None or (
                    expected is not None and RowState.of(now) != expected.get(index.pk)
                ):
                    raise BulkRefused(
                        index, gettext("Indeksen er endret av noen andre etter at du valgte den.")
                    )
                try:
                    change(now)
                except BulkRefused:
                    raise
                except TracingError as exc:
                    raise BulkRefused(index, str(exc)) from exc
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass


def indexes_close(
    *,
    indexes: Sequence[Index],
    expected: Mapping[int, RowState] | None = None,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> None:
    """«Avslutt valgte»: close every index, or none (BulkRefused). `dry_run` checks the same
    rules and changes nothing: the confirmation page asks only what can be done."""
    _apply(
        indexes,
        lambda index: index_close(index=index, now=now),
        expected=expected,
        dry_run=dry_run,
    )


def indexes_set_follow_up(
    *,
    indexes: Sequence[Index],
    follow_up_on: datetime.date,
    expected: Mapping[int, RowState] | None = None,
    now: datetime.datetime | None = None,
    dry_run: bool = False,
) -> None:
    """«Sett oppfølgingsdato»: the same next follow-up for every index, or for none."""
    _apply(
        indexes,
        lambda index: index_set_follow_up(index=index, follow_up_on=follow_up_on, now=now),
        expected=expected,
        dry_run=dry_run,
    )
