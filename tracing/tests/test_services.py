"""The import service applies the duplicate rules (section 5) in one transaction (I-1, I-4, C-5, C-8)."""

import datetime
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from tests.factories import CloseContactFactory, IndexFactory, PersonFactory, new_fnr
from tracing.models import CloseContact, Index, Note, Person, RegisteredByKind
from tracing.services import (
    AlreadyRegistered,
    PersonDetails,
    RegisteredBy,
    Registration,
    TracingError,
    close_contact_register,
    index_close,
    index_register,
    index_reopen,
    note_add,
)

pytestmark = pytest.mark.django_db

OSLO, BERGEN = "0301", "4601"
SELF = RegisteredBy(kind=RegisteredByKind.SELF)


def registration(fnr: str, **overrides) -> Registration:
    data = {
        "fnr": fnr,
        "first_name": "Kari",
        "last_name": "Syntetisk",
        "street_address": "Storgata 1",
        "postal_code": "0155",
        "post_town": "OSLO",
        "phone": "+4791234567",
        "email": "kari@example.no",
        "workplace_or_school": "Testskolen",
        "test_date_from": timezone.localdate(),
        "no_symptoms": True,
        "infection_place": "household",
        "risk_group": "no",
    }
    data.update(overrides)
    return Registration(**data)


def register(fnr: str, municipality: str = OSLO, **kwargs):
    kwargs.setdefault("registered_by", SELF)
    kwargs.setdefault("self_registered", True)
    return index_register(
        registration=registration(fnr), municipality_number=municipality, **kwargs
    )


def test_d0_no_candidate_creates_person_and_index():
    fnr = new_fnr()
    result = register(fnr)
    assert result.rule == "D-0"
    index = result.index
    assert index.status == Index.Status.ACTIVE
    assert index.municipality_id == OSLO
    assert index.self_registered is True
    assert index.follow_up_on == timezone.localdate()
    assert index.person.fnr == fnr
    assert index.person.email == "kari@example.no"
    assert index.workplace_or_school == "Testskolen"
    assert index.duplicate_candidates == []


@pytest.mark.parametrize("municipality", [OSLO, BERGEN])
def test_d1a_active_index_refuses_and_writes_nothing(municipality):
    existing = IndexFactory(person__municipality_id=municipality)
    before = (Person.objects.count(), Index.objects.count(), Note.objects.count())
    with pytest.raises(AlreadyRegistered) as refused:
        register(existing.fnr, self_registered=False)
    assert refused.value.rule == "D-1a"
    assert (Person.objects.count(), Index.objects.count(), Note.objects.count()) == before


def test_d1b_closed_index_here_is_reenrolled_on_the_same_person():
    closed = IndexFactory(closed=True)
    result = register(closed.fnr)
    assert result.rule == "D-1b"
    assert result.index.person_id == closed.person_id
    assert result.index.pk != closed.pk
    assert Index.objects.get(pk=closed.pk).status == Index.Status.CLOSED
    assert Person.objects.filter(fnr=closed.fnr).count() == 1
    assert result.index.duplicate_candidates == [
        {"person_id": closed.person_id, "municipality_number": OSLO, "kind": "closed_index"}
    ]


def test_d1c_closed_index_elsewhere_makes_a_new_duplicate_record():
    closed = IndexFactory(closed=True, person__municipality_id=BERGEN)
    result = register(closed.fnr, OSLO)
    assert result.rule == "D-1c"
    assert result.index.person_id != closed.person_id
    assert result.index.person.possible_duplicate is True
    assert result.index.person.municipality_id == OSLO


def test_d1d_close_contact_elsewhere_is_converted_in_the_chosen_municipality():
    contact = CloseContactFactory(
        person__municipality_id=BERGEN, index__person__municipality_id=BERGEN
    )
    result = register(contact.person.fnr, OSLO)
    assert result.rule == "D-1d"
    person = Person.objects.get(pk=contact.person_id)
    assert result.index.person_id == person.pk
    assert person.municipality_id == OSLO
    assert result.index.municipality_id == OSLO
    # The link to the index it was a contact of is kept.
    assert result.index.converted_from_contact_id == contact.pk
    assert CloseContact.objects.get(pk=contact.pk).index_id == contact.index_id


def test_d2a_any_active_index_among_several_refuses():
    fnr = new_fnr()
    IndexFactory(fnr=fnr, person__fnr=fnr, closed=True)
    IndexFactory(fnr=fnr, person__fnr=fnr, person__municipality_id=BERGEN)
    with pytest.raises(AlreadyRegistered) as refused:
        register(fnr)
    assert refused.value.rule == "D-2a"


def test_d2b_index_here_among_several_is_reused():
    fnr = new_fnr()
    elsewhere = IndexFactory(fnr=fnr, person__fnr=fnr, person__municipality_id=BERGEN, closed=True)
    here = IndexFactory(fnr=fnr, person__fnr=fnr, closed=True)
    result = register(fnr)
    assert result.rule == "D-2b"
    assert result.index.person_id == here.person_id
    assert result.index.person_id != elsewhere.person_id


def test_d2c_close_contact_here_among_several_is_converted():
    fnr = new_fnr()
    IndexFactory(fnr=fnr, person__fnr=fnr, person__municipality_id=BERGEN, closed=True)
    contact = CloseContactFactory(person__fnr=fnr)
    result = register(fnr)
    assert result.rule == "D-2c"
    assert result.index.person_id == contact.person_id
    assert result.index.converted_from_contact_id == contact.pk


def test_d2d_nothing_here_makes_a_new_duplicate_record():
    fnr = new_fnr()
    IndexFactory(fnr=fnr, person__fnr=fnr, person__municipality_id=BERGEN, closed=True)
    CloseContactFactory(
        person__fnr=fnr, person__municipality_id="5001", index__person__municipality_id="5001"
    )
    result = register(fnr)
    assert result.rule == "D-2d"
    assert result.index.person.possible_duplicate is True
    assert Person.objects.filter(fnr=fnr).count() == 3


@freeze_time("2021-12-21 09:52:00")  # 10:52 in Oslo
def test_i4_two_notes_for_a_self_registration():
    index = register(new_fnr()).index
    notes = list(index.notes.all())
    assert [n.title for n in notes] == [
        "Informasjon registrert i selvregistreringsskjema",
        "Utført selvregistrering",
    ]
    assert notes[1].text == "Utført selvregistrering 21.12.2021 10:52"
    assert notes[0].text.startswith(
        "Informasjon oppdatert vha selvregistrering den 21.12.2021 10:52\n"
    )
    assert "Arbeidssted eller skole: Testskolen" in notes[0].text


@freeze_time("2021-12-21 09:52:00")
def test_i4_note_for_a_child_names_the_guardian_variant():
    parent = new_fnr()
    result = register(
        new_fnr(datetime.date(2015, 3, 1)),
        registered_by=RegisteredBy(kind=RegisteredByKind.GUARDIAN, fnr=parent),
    )
    info = result.index.notes.get(title="Informasjon registrert i selvregistreringsskjema")
    assert info.text.startswith(
        "Informasjon oppdatert vha selvregistrering av barn fra foresatt den 21.12.2021 10:52\n"
    )
    assert result.index.registered_by_fnr == parent


def test_registration_by_staff_writes_no_selfreg_notes():
    index = register(
        new_fnr(), self_registered=False, registered_by=RegisteredBy(kind=RegisteredByKind.STAFF)
    ).index
    assert index.notes.count() == 0
    assert index.self_registered is False


def test_c5_self_registered_in_the_last_14_days_is_refused_even_when_closed():
    fnr = new_fnr()
    with freeze_time(timezone.now() - datetime.timedelta(days=13)):
        first = register(fnr).index
    index_close(index=first)
    with pytest.raises(AlreadyRegistered) as refused:
        register(fnr)
    assert refused.value.rule == "C-5"


def test_c5_after_14_days_the_closed_index_is_reenrolled():
    fnr = new_fnr()
    with freeze_time(timezone.now() - datetime.timedelta(days=15)):
        first = register(fnr).index
    index_close(index=first)
    assert register(fnr).rule == "D-1b"


def test_c8_the_same_submission_twice_registers_once():
    fnr = new_fnr()
    submission = uuid.uuid4()
    first = register(fnr, submission_id=submission)
    again = register(fnr, submission_id=submission)
    assert again.repeated_submission is True
    assert again.index.pk == first.index.pk
    assert Index.objects.filter(fnr=fnr).count() == 1
    assert Note.objects.filter(index=first.index).count() == 2


def test_c8_a_submission_id_cannot_be_replayed_for_another_person():
    submission = uuid.uuid4()
    register(new_fnr(), submission_id=submission)
    with pytest.raises(TracingError):
        register(new_fnr(), submission_id=submission)


def test_a_failure_midway_leaves_no_rows(monkeypatch):
    """The notes are written after the index: make the second note fail and nothing remains."""
    from tracing import notes as note_texts

    def boom(**kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(note_texts, "info_text", boom)
    fnr = new_fnr()
    with pytest.raises(RuntimeError):
        register(fnr)
    assert not Person.objects.filter(fnr=fnr).exists()
    assert not Index.objects.filter(fnr=fnr).exists()
    assert Note.objects.count() == 0


def test_database_refuses_a_second_active_index_for_one_number():
    """D-3 is held by the database too, not only by the service."""
    from django.db import IntegrityError, transaction

    index = IndexFactory()
    other = PersonFactory(fnr=index.fnr, municipality_id=BERGEN)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndexFactory(person=other, fnr=index.fnr)


def test_close_and_reopen():
    index = IndexFactory()
    index_close(index=index)
    index.refresh_from_db()
    assert index.status == Index.Status.CLOSED and index.closed_at is not None
    with pytest.raises(TracingError):
        index_close(index=index)
    index_reopen(index=index)
    index.refresh_from_db()
    assert index.status == Index.Status.ACTIVE and index.closed_at is None


def test_reopen_is_refused_while_another_index_is_active():
    closed = IndexFactory(closed=True)
    register(closed.fnr, BERGEN)  # D-1c: a new active index elsewhere
    with pytest.raises(AlreadyRegistered):
        index_reopen(index=closed)


def test_close_contact_reuses_the_person_record_in_the_index_municipality():
    index = IndexFactory()
    fnr = new_fnr()
    record = PersonFactory(fnr=fnr)
    contact = close_contact_register(
        index=index, person=PersonDetails(fnr=fnr, first_name="A", last_name="B")
    )
    assert contact.person_id == record.pk
    assert contact.municipality_id == index.municipality_id
    with pytest.raises(TracingError):
        close_contact_register(
            index=index, person=PersonDetails(fnr=fnr, first_name="A", last_name="B")
        )


def test_notes_are_added_never_changed():
    index = IndexFactory()
    note = note_add(index=index, title="", text="Ringt.", user=None, author_label="Smittesporer")
    assert note.title == "Notat"
    note.text = "Endret"
    with pytest.raises(ValueError):
        note.save()
    with pytest.raises(TracingError):
        note_add(index=index, title="x", text="   ", user=None, author_label="Smittesporer")


def test_candidate_lookup_is_one_query(django_assert_num_queries):
    from tracing.selectors import duplicate_candidates

    fnr = new_fnr()
    for municipality in (OSLO, BERGEN, "5001"):
        IndexFactory(fnr=fnr, person__fnr=fnr, person__municipality_id=municipality, closed=True)
    with django_assert_num_queries(1):
        assert len(duplicate_candidates(fnr=fnr)) == 3
    assert connection.vendor in {"sqlite", "postgresql"}


def test_close_contact_cannot_be_the_index_person_themself():
    index = IndexFactory()
    with pytest.raises(TracingError, match="sin egen nærkontakt"):
        close_contact_register(
            index=index, person=PersonDetails(fnr=index.fnr, first_name="K", last_name="S")
        )
    assert not CloseContact.objects.exists()


def test_follow_up_date_is_set_on_active_indexes_only_and_not_in_the_past():
    from tracing.services import index_set_follow_up

    index = IndexFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert index_set_follow_up(index=index, follow_up_on=tomorrow).follow_up_on == tomorrow
    with pytest.raises(TracingError, match="tilbake i tid"):
        index_set_follow_up(
            index=index, follow_up_on=timezone.localdate() - datetime.timedelta(days=1)
        )
    closed = IndexFactory(closed=True)
    with pytest.raises(TracingError, match="aktiv indeks"):
        index_set_follow_up(index=closed, follow_up_on=tomorrow)
