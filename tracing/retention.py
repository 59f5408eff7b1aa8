"""Retention of tracing data (S11): the service that deletes closed indexes past their period.

A service module of the tracing app, apart from services.py to keep modules small; the rules
that call it (periods, order) are declared in tracing/retention_rules.py.

Deleted, not anonymised: what is kept about an index is health data about an identified
person, and its free-text notes and workplace may name people, so no mechanical anonymisation
can be trusted to leave nothing identifying. The access log (accounts) keeps who read what,
by id and fødselsnummer, for its own (longer) period.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from tracing.models import CloseContact, Index, Note, Person, PersonLock

_BATCH = 500


@dataclass(frozen=True)
class TracingRetentionResult:
    indexes: int = 0
    close_contacts: int = 0
    notes: int = 0
    persons: int = 0
    person_locks: int = 0


def _doomed_indexes(closed_before: datetime.datetime) -> set[int]:
    """Closed indexes closed before the cut-off, less those that must stay with a kept index.

    D-1d keeps the link from an index converted from a close contact to the index that contact
    belonged to (Index.converted_from_contact). Such an older index stays until the newer one
    goes too: the set shrinks until no kept index points into it.
    """
    doomed = set(
        Index.objects.filter(status=Index.Status.CLOSED, closed_at__lt=closed_before).values_list(
            "pk", flat=True
        )
    )
    while doomed:
        pointed_at = set(
            Index.objects.exclude(pk__in=doomed)
            .filter(converted_from_contact__index_id__in=doomed)
            .values_list("converted_from_contact__index_id", flat=True)
        )
        if not pointed_at:
            break
        doomed -= pointed_at
    return doomed


def _batches(ids: set) -> list[list]:
    ordered = sorted(ids)
    return [ordered[i : i + _BATCH] for i in range(0, len(ordered), _BATCH)]


def closed_indexes_delete(
    *, closed_before: datetime.datetime, dry_run: bool = False
) -> TracingRetentionResult:
    """Delete indexes closed before `closed_before`, with their notes and close contacts, the
    person records left with nothing, and the person locks of numbers no longer present (S11).

    One transaction: all or nothing. A dry run does the same work and rolls it back, so its
    counts are exactly what a real run would delete.
    """
    with transaction.atomic():
        doomed = _doomed_indexes(closed_before)
        batches = _batches(doomed)
        persons: set[int] = set()
        counts = {"indexes": 0, "close_contacts": 0, "notes": 0}
        # Links between doomed indexes would make their deletion order matter: cut them first.
        for batch in batches:
            Index.objects.filter(pk__in=batch, converted_from_contact__isnull=False).update(
                converted_from_contact=None
            )
        for batch in batches:
            persons.update(Index.objects.filter(pk__in=batch).values_list("person_id", flat=True))
            persons.update(
                CloseContact.objects.filter(index_id__in=batch).values_list("person_id", flat=True)
            )
            counts["notes"] += Note.objects.filter(index_id__in=batch).delete()[0]
            counts["close_contacts"] += CloseContact.objects.filter(index_id__in=batch).delete()[0]
            counts["indexes"] += Index.objects.filter(pk__in=batch).delete()[0]
        person_count, numbers = 0, set()
        for batch in _batches(persons):
            empty = (
                Person.objects.filter(pk__in=batch)
                .filter(~Q(pk__in=Index.objects.values("person_id")))
                .filter(~Q(pk__in=CloseContact.objects.values("person_id")))
            )
            numbers.update(empty.values_list("fnr", flat=True))
            person_count += empty.delete()[0]
        locks = 0
        for batch in _batches(numbers):
            present = set(Person.objects.filter(fnr__in=batch).values_list("fnr", flat=True))
            locks += PersonLock.objects.filter(fnr__in=set(batch) - present).delete()[0]
        result = TracingRetentionResult(
            indexes=counts["indexes"],
            close_contacts=counts["close_contacts"],
            notes=counts["notes"],
            persons=person_count,
            person_locks=locks,
        )
        if dry_run:
            transaction.set_rollback(True)
    return result
