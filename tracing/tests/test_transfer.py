"""«Overfør til annen kommune» (tracing.transfer): what moves, what is refused, and that a
refusal or a failure half-way writes nothing."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import AccessAction, AccessLogEntry
from municipalities.services import municipality_set_status
from tests.factories import (
    CloseContactFactory,
    IndexFactory,
    NoteFactory,
    PersonFactory,
    StaffFactory,
)
from tracing import transfer
from tracing.models import CloseContact, Index, Note, Person
from tracing.services import IndexMoved, index_close, note_add
from tracing.transfer import NOTE_TITLE, TransferRefused, index_transfer

pytestmark = pytest.mark.django_db

OSLO, BERGEN, STAVANGER = "0301", "4601", "1103"


@pytest.fixture(autouse=True)
def customers():
    for number in (OSLO, BERGEN, "5001"):
        municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="t")


@pytest.fixture
def tracer():
    return StaffFactory(
        username="oslo.test", first_name="Ola", last_name="Sporer", tracer_in=[OSLO]
    )


def _transfer(index, user, *, to=BERGEN, reason="Bor i Bergen", **kwargs):
    return index_transfer(
        index=index, to_number=to, reason=reason, user=user, author_label="Ola Sporer", **kwargs
    )


def _state() -> tuple:
    """Everything a transfer may change, to compare before and after a refusal."""
    return (
        list(Index.objects.order_by("pk").values()),
        list(Person.objects.order_by("pk").values()),
        list(CloseContact.objects.order_by("pk").values()),
        Note.objects.count(),
        AccessLogEntry.objects.count(),
    )


def test_the_index_its_person_contacts_and_notes_move_to_the_receiver(tracer):
    now = timezone.now()
    index = IndexFactory(follow_up_on=timezone.localdate() + datetime.timedelta(days=3))
    note = NoteFactory(index=index)
    contact = CloseContactFactory(index=index)

    moved = _transfer(index, tracer, now=now)

    index.refresh_from_db()
    assert index.municipality_id == BERGEN
    assert (index.transferred_from_id, index.transferred_at, index.transferred_by) == (
        OSLO,
        now,
        tracer,
    )
    # Due in the receiver's «Indeksoppfølging i dag» at once.
    assert index.follow_up_on == timezone.localdate()
    assert moved.pk == index.pk
    # Nothing else hangs on the records: they move, no copies are made.
    assert index.person.municipality_id == BERGEN
    contact.refresh_from_db()
    assert contact.municipality_id == BERGEN and contact.person.municipality_id == BERGEN
    assert Person.objects.count() == 2
    assert Note.objects.get(pk=note.pk).index_id == index.pk


def test_the_note_says_who_when_and_why(tracer):
    index = IndexFactory()
    CloseContactFactory(index=index)
    moment = datetime.datetime(2026, 12, 3, 13, 5, tzinfo=datetime.UTC)
    _transfer(index, tracer, reason="Bor i Bergen, feil kommune valgt", now=moment)
    note = Note.objects.get(index=index, title=NOTE_TITLE)
    assert note.author_user == tracer and note.author_label == "Ola Sporer"
    assert note.created_at == moment
    assert "fra Oslo til Bergen 03.12.2026 14:05 av Ola Sporer (oslo.test)" in note.text
    assert "Personkortet, notatene og 1 nærkontakt fulgte med." in note.text
    assert note.text.endswith("Begrunnelse: Bor i Bergen, feil kommune valgt")


def test_b4_both_sides_access_logs_get_the_index_and_each_contact(tracer):
    index = IndexFactory()
    contact = CloseContactFactory(index=index)
    _transfer(index, tracer)
    entries = AccessLogEntry.objects.filter(action=AccessAction.TRANSFER)
    assert sorted(entries.values_list("municipality_id", "object_type", "object_id")) == sorted(
        [
            (OSLO, "index", index.pk),
            (BERGEN, "index", index.pk),
            (OSLO, "close_contact", contact.pk),
            (BERGEN, "close_contact", contact.pk),
        ]
    )
    assert {e.user_id for e in entries} == {tracer.pk}
    assert {e.person_fnr for e in entries if e.object_type == "index"} == {index.fnr}
    assert all(e.allowed and e.index_id == index.pk for e in entries)


@pytest.mark.parametrize(
    ("to", "reason", "field"),
    [
        (STAVANGER, "Bor i Stavanger", "kommune"),  # not a customer
        ("9999", "Finnes ikke", "kommune"),
        (OSLO, "Samme kommune", "kommune"),
        (BERGEN, "   ", "begrunnelse"),
    ],
    ids=["not-a-customer", "unknown", "own-municipality", "no-reason"],
)
def test_refused_with_a_message_and_nothing_written(tracer, to, reason, field):
    index = IndexFactory()
    CloseContactFactory(index=index)
    before = _state()
    with pytest.raises(TransferRefused) as refused:
        _transfer(index, tracer, to=to, reason=reason)
    assert refused.value.field == field and str(refused.value)
    assert _state() == before


def test_a_closed_index_is_not_transferred(tracer):
    index = IndexFactory(closed=True)
    before = _state()
    with pytest.raises(TransferRefused, match="Bare en aktiv indeks"):
        _transfer(index, tracer)
    assert _state() == before


def test_failure_half_way_leaves_nothing_half_written(tracer, monkeypatch):
    index = IndexFactory()
    CloseContactFactory(index=index)
    before = _state()

    def fail(**kwargs):
        raise RuntimeError("access log down")

    monkeypatch.setattr(transfer, "index_transfer_log", fail)
    with pytest.raises(RuntimeError):
        _transfer(index, tracer)
    assert _state() == before


def test_a_stale_index_is_refused_after_it_moved(tracer):
    """The caller's index object was read before the transfer: its access check no longer
    holds, so every edit through it (and a second transfer) is refused."""
    index = IndexFactory()
    stale = Index.objects.get(pk=index.pk)
    _transfer(index, tracer)
    with pytest.raises(IndexMoved):
        _transfer(stale, tracer, to="5001")
    with pytest.raises(IndexMoved):
        index_close(index=stale)
    with pytest.raises(IndexMoved):
        note_add(index=stale, title="", text="Ringt", user=tracer, author_label="Ola")
    assert Index.objects.get(pk=index.pk).status == Index.Status.ACTIVE


def test_receivers_record_for_the_person_is_reused_and_the_senders_deleted(tracer):
    """The person is a close contact in Bergen already: the index joins that record (as D-2c
    reuses the record in the chosen municipality); its empty fields are filled in, nothing
    Bergen entered is overwritten, and the emptied Oslo record is deleted."""
    index = IndexFactory(person__phone="+4791111111", person__email="oslo@example.no")
    bergen_record = PersonFactory(
        fnr=index.fnr, municipality_id=BERGEN, phone="+4792222222", email=""
    )
    bergen_contact = CloseContactFactory(
        person=bergen_record, index=IndexFactory(person__municipality_id=BERGEN)
    )
    oslo_record_id = index.person_id

    _transfer(index, tracer)

    index.refresh_from_db()
    assert index.person_id == bergen_record.pk
    bergen_record.refresh_from_db()
    assert bergen_record.phone == "+4792222222"
    assert bergen_record.email == "oslo@example.no"
    assert not Person.objects.filter(pk=oslo_record_id).exists()
    assert CloseContact.objects.get(pk=bergen_contact.pk).person_id == bergen_record.pk
    assert Person.objects.filter(fnr=index.fnr).count() == 1


def test_a_record_with_roles_staying_behind_is_copied(tracer):
    """The person has an earlier, closed episode in Oslo on the same record: that stays in
    Oslo with the record; Bergen gets a copy, marked as a possible duplicate."""
    person = PersonFactory(first_name="Kari", phone="+4791111111")
    earlier = IndexFactory(person=person, closed=True)
    index = IndexFactory(person=person)

    _transfer(index, tracer)

    index.refresh_from_db()
    earlier.refresh_from_db()
    assert earlier.municipality_id == OSLO and earlier.person_id == person.pk
    person.refresh_from_db()
    assert person.municipality_id == OSLO
    copy = index.person
    assert copy.pk != person.pk and copy.municipality_id == BERGEN
    assert (copy.fnr, copy.first_name, copy.phone) == (person.fnr, "Kari", "+4791111111")
    assert copy.possible_duplicate


def test_a_contact_who_is_also_a_contact_of_another_oslo_index_is_copied(tracer):
    index = IndexFactory()
    other = IndexFactory()
    contact = CloseContactFactory(index=index)
    stays = CloseContactFactory(index=other, person=contact.person)

    _transfer(index, tracer)

    contact.refresh_from_db()
    stays.refresh_from_db()
    assert contact.municipality_id == BERGEN and contact.person.municipality_id == BERGEN
    assert contact.person_id != stays.person_id
    assert stays.person.municipality_id == OSLO and stays.municipality_id == OSLO
