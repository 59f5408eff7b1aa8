"""S11: closed indexes past their period go, with their notes, close contacts, the person
records left with nothing and the person locks; everything else stays. Frozen clock."""

import datetime

import pytest
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import CloseContactFactory, IndexFactory, NoteFactory, PersonFactory
from tracing.models import CloseContact, Index, Note, Person, PersonLock
from tracing.retention import TracingRetentionResult, closed_indexes_delete

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2024, 6, 1, 12, 0, tzinfo=datetime.UTC)
CUTOFF = NOW - datetime.timedelta(days=180)


def closed(days_ago: int, **kwargs) -> Index:
    index = IndexFactory(**kwargs)
    Index.objects.filter(pk=index.pk).update(
        status=Index.Status.CLOSED, closed_at=NOW - datetime.timedelta(days=days_ago)
    )
    index.refresh_from_db()
    return index


@pytest.fixture(autouse=True)
def _frozen():
    with freeze_time(NOW):
        yield


def test_s11_an_old_closed_index_goes_with_everything_that_hangs_on_it():
    index = closed(200)
    NoteFactory.create_batch(2, index=index)
    contact = CloseContactFactory(index=index)
    PersonLock.objects.create(fnr=index.fnr)
    result = closed_indexes_delete(closed_before=CUTOFF)
    assert result == TracingRetentionResult(
        indexes=1, close_contacts=1, notes=2, persons=2, person_locks=1
    )
    assert not Index.objects.exists()
    assert not Note.objects.exists()
    assert not CloseContact.objects.exists()
    assert not Person.objects.filter(pk__in=[index.person_id, contact.person_id]).exists()
    assert not PersonLock.objects.exists()


def test_s11_recent_closed_and_active_indexes_stay():
    recent = closed(100)
    active = IndexFactory()
    NoteFactory(index=recent)
    CloseContactFactory(index=active)
    assert closed_indexes_delete(closed_before=CUTOFF) == TracingRetentionResult()
    assert set(Index.objects.values_list("pk", flat=True)) == {recent.pk, active.pk}
    assert Note.objects.count() == 1 and CloseContact.objects.count() == 1


def test_s11_a_person_with_something_left_stays():
    """The person record keeps a newer episode, or a contact role on a kept index."""
    old = closed(300)
    newer = IndexFactory(person=old.person)  # re-enrolled later (D-1b)
    contact_person = PersonFactory()
    CloseContactFactory(index=old, person=contact_person)
    CloseContactFactory(index=newer, person=contact_person)
    PersonLock.objects.create(fnr=old.fnr)
    result = closed_indexes_delete(closed_before=CUTOFF)
    assert (result.indexes, result.close_contacts, result.persons, result.person_locks) == (
        1,
        1,
        0,
        0,
    )
    assert Person.objects.filter(pk__in=[old.person_id, contact_person.pk]).count() == 2
    assert PersonLock.objects.filter(fnr=old.fnr).exists()
    assert Index.objects.get().pk == newer.pk


def test_s11_a_lock_stays_while_another_record_has_the_number():
    old = closed(300, person__municipality_id="0301")
    PersonFactory(fnr=old.fnr, municipality_id="4601")  # the same person, another municipality
    PersonLock.objects.create(fnr=old.fnr)
    result = closed_indexes_delete(closed_before=CUTOFF)
    assert (result.indexes, result.persons, result.person_locks) == (1, 1, 0)
    assert PersonLock.objects.filter(fnr=old.fnr).exists()


def test_s11_d1d_an_index_converted_from_a_contact_keeps_the_older_index():
    """D-1d keeps the link from the converted index to the index the contact belonged to: the
    older index stays while the newer one is kept, and both go once both are due."""
    older = closed(400)
    contact = CloseContactFactory(index=older)
    newer = IndexFactory(person=contact.person, converted_from_contact=contact)
    assert closed_indexes_delete(closed_before=CUTOFF).indexes == 0
    assert Index.objects.count() == 2

    Index.objects.filter(pk=newer.pk).update(
        status=Index.Status.CLOSED, closed_at=NOW - datetime.timedelta(days=181)
    )
    result = closed_indexes_delete(closed_before=CUTOFF)
    assert (result.indexes, result.close_contacts, result.persons) == (2, 1, 2)
    assert not Index.objects.exists() and not Person.objects.exists()


def test_s11_running_twice_deletes_nothing_the_second_time():
    for days in (200, 300, 400):
        NoteFactory(index=closed(days))
    first = closed_indexes_delete(closed_before=CUTOFF)
    assert first.indexes == 3
    assert closed_indexes_delete(closed_before=CUTOFF) == TracingRetentionResult()


def test_s11_a_dry_run_counts_exactly_and_changes_nothing():
    index = closed(200)
    NoteFactory(index=index)
    CloseContactFactory(index=index)
    PersonLock.objects.create(fnr=index.fnr)
    before = (Index.objects.count(), Note.objects.count(), Person.objects.count())
    dry = closed_indexes_delete(closed_before=CUTOFF, dry_run=True)
    assert (Index.objects.count(), Note.objects.count(), Person.objects.count()) == before
    assert PersonLock.objects.count() == 1
    assert closed_indexes_delete(closed_before=CUTOFF) == dry


def test_s11_the_cutoff_is_exclusive():
    at_cutoff = closed(180)  # closed exactly at the cut-off: not older than it
    assert closed_indexes_delete(closed_before=timezone.now() - datetime.timedelta(days=180)) == (
        TracingRetentionResult()
    )
    assert Index.objects.filter(pk=at_cutoff.pk).exists()


def test_s11_a_lock_row_deleted_by_retention_mid_registration_is_made_again(monkeypatch):
    """Retention deletes the lock row of a number without records; a registration that found
    the row a moment before must still get its lock (and register), not fail."""
    from tracing.models import RegisteredByKind
    from tracing.services import RegisteredBy, Registration, index_register

    old = closed(300)
    PersonLock.objects.create(fnr=old.fnr)
    real_insert = PersonLock.objects.bulk_create
    calls = []

    def insert_then_retention_runs(objs, **kwargs):
        found = real_insert(objs, **kwargs)  # the row is there: nothing inserted
        if not calls:
            calls.append(1)
            closed_indexes_delete(closed_before=CUTOFF)  # removes the lock row just found
        return found

    monkeypatch.setattr(PersonLock.objects, "bulk_create", insert_then_retention_runs)
    result = index_register(
        registration=Registration(fnr=old.fnr, first_name="Kari", last_name="Syntetisk"),
        municipality_number="0301",
        registered_by=RegisteredBy(kind=RegisteredByKind.STAFF),
        self_registered=False,
    )
    assert result.rule == "D-0"
    assert PersonLock.objects.filter(fnr=old.fnr).exists()
