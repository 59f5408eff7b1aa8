"""R5 for «Overfør til annen kommune»: a transfer racing another transfer, an edit of the index,
or a registration of one of its persons ends as one of the serial orders, never a mix
(PostgreSQL, transactional; the races as in test_concurrency.py)."""

import pytest

from municipalities.services import municipality_set_status
from tests.factories import CloseContactFactory, IndexFactory, PersonFactory, StaffFactory
from tracing.models import CloseContact, Index, Note, Person
from tracing.services import (
    IndexMoved,
    PersonDetails,
    TracingError,
    close_contact_register,
    index_close,
    note_add,
)
from tracing.tests.test_concurrency import ROUNDS, _fresh_fnr, _two_at_once
from tracing.transfer import NOTE_TITLE, index_transfer

OSLO, BERGEN, TRONDHEIM = "0301", "4601", "5001"


@pytest.fixture
def oslo_tracer():
    for number in (OSLO, BERGEN, TRONDHEIM):
        municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="t")
    return StaffFactory(tracer_in=[OSLO])


def _transfer(index, user, to=BERGEN):
    def call() -> str:
        try:
            index_transfer(
                index=index, to_number=to, reason="Bor der", user=user, author_label="Sporer"
            )
        except IndexMoved:
            return "moved"
        except TracingError as exc:
            return f"refused: {exc}"
        return f"transferred to {to}"

    return call


def _oslo_index():
    return IndexFactory(person=PersonFactory(fnr=_fresh_fnr(), municipality_id=OSLO))


@pytest.mark.django_db(transaction=True)
def test_r5_two_transfers_of_one_index_at_once(postgres_only, oslo_tracer):
    """Two Oslo tracers hand the same index to Bergen and to Trondheim at the same moment. The
    serial orders: the first moves it, the second finds it gone (IndexMoved: 404). Never both,
    never two notes or two records."""
    seen = set()
    for _ in range(ROUNDS):
        index = _oslo_index()
        first, second = _two_at_once(
            _transfer(index, oslo_tracer, BERGEN), _transfer(index, oslo_tracer, TRONDHEIM)
        )
        assert sorted([first, second]) in (
            ["moved", f"transferred to {BERGEN}"],
            ["moved", f"transferred to {TRONDHEIM}"],
        ), (first, second)
        winner = BERGEN if first.startswith("transferred") else TRONDHEIM
        index.refresh_from_db()
        assert index.municipality_id == winner and index.transferred_from_id == OSLO
        assert Person.objects.filter(fnr=index.fnr).get().municipality_id == winner
        assert Note.objects.filter(index=index, title=NOTE_TITLE).count() == 1
        seen.add(winner)
    assert seen


@pytest.mark.django_db(transaction=True)
def test_r5_transfer_while_an_oslo_tracer_closes_the_index(postgres_only, oslo_tracer):
    """Serial orders: close, then transfer (closed in Oslo; the transfer refused: only an active
    index moves) or transfer, then close (active in Bergen; the close finds it gone)."""
    seen = set()
    for _ in range(ROUNDS):
        index = _oslo_index()

        def close(index=index) -> str:
            try:
                index_close(index=index)
            except IndexMoved:
                return "moved"
            return "closed"

        transferred, closed = _two_at_once(_transfer(index, oslo_tracer), close)
        index.refresh_from_db()
        if closed == "closed":
            assert transferred == "refused: Bare en aktiv indeks kan overføres.", transferred
            assert (index.municipality_id, index.status) == (OSLO, Index.Status.CLOSED)
            assert not Note.objects.filter(index=index).exists()
            seen.add("close, then transfer")
        else:
            assert (transferred, closed) == (f"transferred to {BERGEN}", "moved")
            assert (index.municipality_id, index.status) == (BERGEN, Index.Status.ACTIVE)
            seen.add("transfer, then close")
    assert seen


@pytest.mark.django_db(transaction=True)
def test_r5_transfer_while_an_oslo_tracer_writes_a_note(postgres_only, oslo_tracer):
    """Serial orders: note, then transfer (the note moves along, older than the transfer's
    note) or transfer, then note (refused: the index is gone). Never a note written by Oslo
    after the index became Bergen's."""
    seen = set()
    for _ in range(ROUNDS):
        index = _oslo_index()

        def write(index=index) -> str:
            try:
                note_add(index=index, title="", text="Ringt", user=oslo_tracer, author_label="O")
            except IndexMoved:
                return "moved"
            return "written"

        transferred, written = _two_at_once(_transfer(index, oslo_tracer), write)
        assert transferred == f"transferred to {BERGEN}", transferred
        titles = list(
            Note.objects.filter(index=index).order_by("pk").values_list("title", flat=True)
        )
        if written == "written":
            assert titles == ["Notat", NOTE_TITLE], titles
            seen.add("note, then transfer")
        else:
            assert written == "moved", written
            assert titles == [NOTE_TITLE]
            seen.add("transfer, then note")
    assert seen


@pytest.mark.django_db(transaction=True)
def test_r5_transfer_while_an_oslo_tracer_adds_a_close_contact(postgres_only, oslo_tracer):
    """Serial orders: contact, then transfer (the contact moves with the index, record and
    all) or transfer, then contact (refused). Never an Oslo contact on a Bergen index."""
    seen = set()
    for _ in range(ROUNDS):
        index = _oslo_index()
        fnr = _fresh_fnr()

        def add(index=index, fnr=fnr) -> str:
            try:
                close_contact_register(
                    index=index, person=PersonDetails(fnr=fnr, first_name="Nils", last_name="N")
                )
            except IndexMoved:
                return "moved"
            return "added"

        transferred, added = _two_at_once(_transfer(index, oslo_tracer), add)
        assert transferred == f"transferred to {BERGEN}", transferred
        if added == "added":
            contact = CloseContact.objects.get(index=index)
            assert contact.municipality_id == BERGEN
            assert contact.person.municipality_id == BERGEN
            assert Person.objects.filter(fnr=fnr).count() == 1
            seen.add("contact, then transfer")
        else:
            assert added == "moved", added
            assert not CloseContact.objects.filter(index=index).exists()
            assert not Person.objects.filter(fnr=fnr).exists()
            seen.add("transfer, then contact")
    assert seen


@pytest.mark.django_db(transaction=True)
def test_r5_transfer_while_bergen_registers_the_person_as_a_close_contact(
    postgres_only, oslo_tracer
):
    """A Bergen tracer registers the index person as a close contact of a Bergen index while
    Oslo hands the person's index to Bergen; Bergen has no record of the person yet. Serial
    orders: contact first (Bergen's new record; the transfer reuses it and deletes Oslo's) or
    transfer first (Oslo's record moves; the contact reuses it). Either way ONE record, in
    Bergen, with the index and the contact role on it: two records, each side blind to the
    other, would be a mix."""
    seen = set()
    for _ in range(ROUNDS):
        index = _oslo_index()
        oslo_record = index.person_id
        bergen_index = IndexFactory(person=PersonFactory(municipality_id=BERGEN))

        def add(bergen_index=bergen_index, fnr=index.fnr) -> str:
            close_contact_register(
                index=bergen_index, person=PersonDetails(fnr=fnr, first_name="K", last_name="S")
            )
            return "added"

        transferred, added = _two_at_once(_transfer(index, oslo_tracer), add)
        assert (transferred, added) == (f"transferred to {BERGEN}", "added")
        record = Person.objects.get(fnr=index.fnr)
        assert record.municipality_id == BERGEN
        index.refresh_from_db()
        contact = CloseContact.objects.get(index=bergen_index)
        assert index.person_id == record.pk and contact.person_id == record.pk
        seen.add("transfer, then contact" if record.pk == oslo_record else "contact, then transfer")
    assert seen


@pytest.mark.django_db(transaction=True)
def test_r5_close_contact_of_the_index_in_a_record_shared_with_another_oslo_index(
    postgres_only, oslo_tracer
):
    """The index's contact is also a contact of another Oslo index, and a second Oslo tracer
    adds them to a third one at the moment of the transfer: Oslo keeps its record with its two
    roles, Bergen gets a copy with the moved one, in either order."""
    for _ in range(ROUNDS):
        index = _oslo_index()
        contact = CloseContactFactory(index=index, person__fnr=_fresh_fnr())
        CloseContactFactory(index=_oslo_index(), person=contact.person)
        third = _oslo_index()

        def add(third=third, fnr=contact.person.fnr) -> str:
            close_contact_register(
                index=third, person=PersonDetails(fnr=fnr, first_name="K", last_name="S")
            )
            return "added"

        transferred, added = _two_at_once(_transfer(index, oslo_tracer), add)
        assert (transferred, added) == (f"transferred to {BERGEN}", "added")
        records = {p.municipality_id: p for p in Person.objects.filter(fnr=contact.person.fnr)}
        assert set(records) == {OSLO, BERGEN}
        assert records[OSLO].contact_roles.count() == 2
        assert [c.index_id for c in records[BERGEN].contact_roles.all()] == [index.pk]
