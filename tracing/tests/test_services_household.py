"""household_contacts_register: the people an index person lists as living with them, each a
close contact «Registrert av indeks» in the index's municipality; typed ones without a
fødselsnummer get a record of their own, never matched by number; at most 20."""

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import IndexFactory, PersonFactory, new_fnr
from tests.fuzz import FUZZ
from tracing.models import CloseContact, Person
from tracing.registration import HOUSEHOLD_MAX, PersonDetails
from tracing.services import TracingError, close_contact_register, household_contacts_register

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2021, 12, 21)


def typed(first="Per", last="Hansen", phone="+4790000001", **more) -> PersonDetails:
    return PersonDetails(fnr="", first_name=first, last_name=last, phone=phone, **more)


def test_typed_contacts_get_records_of_their_own_in_the_index_municipality():
    index = IndexFactory(person__municipality_id="4601")
    other = IndexFactory()
    household_contacts_register(index=other, contacts=[typed()], today=TODAY)
    contacts = household_contacts_register(
        index=index,
        contacts=[typed(), typed(first="Lise", birth_date=datetime.date(1990, 1, 2))],
        today=TODAY,
    )
    assert [c.person.first_name for c in contacts] == ["Per", "Lise"]
    for contact in contacts:
        assert contact.reported_by == CloseContact.ReportedBy.INDEX
        assert contact.status == CloseContact.Status.NOT_CONTACTED
        assert contact.municipality_id == contact.person.municipality_id == "4601"
        assert contact.person.fnr == ""
    # Two people without a number are never one record, not even with the same name.
    assert Person.objects.filter(fnr="").count() == 3
    assert contacts[1].person.birth_date == datetime.date(1990, 1, 2)


def test_a_contact_from_the_register_reuses_their_record_in_the_municipality():
    index = IndexFactory()
    existing = PersonFactory(municipality_id=index.municipality_id)
    details = PersonDetails(fnr=existing.fnr, first_name="Siri", last_name="Nordmann")
    [contact] = household_contacts_register(index=index, contacts=[details], today=TODAY)
    assert contact.person == existing
    assert contact.reported_by == CloseContact.ReportedBy.INDEX


def test_a_new_contact_from_the_register_gets_a_record_with_their_number():
    index = IndexFactory()
    fnr = new_fnr(datetime.date(2015, 3, 1))
    details = PersonDetails(fnr=fnr, first_name="Ola", last_name="Nordmann")
    [contact] = household_contacts_register(index=index, contacts=[details], today=TODAY)
    assert contact.person.fnr == fnr


def test_more_than_twenty_are_refused_and_nothing_is_written():
    index = IndexFactory()
    with pytest.raises(TracingError):
        household_contacts_register(
            index=index, contacts=[typed()] * (HOUSEHOLD_MAX + 1), today=TODAY
        )
    assert not CloseContact.objects.exists()
    assert (
        len(
            household_contacts_register(
                index=index, contacts=[typed()] * HOUSEHOLD_MAX, today=TODAY
            )
        )
        == HOUSEHOLD_MAX
    )


@pytest.mark.parametrize(
    "contact",
    [typed(first=""), typed(last=""), typed(phone=""), typed(phone="12"), typed(first="a\x00b")],
)
def test_a_typed_contact_breaking_the_rules_is_refused_with_those_before_it(contact):
    index = IndexFactory()
    with pytest.raises(TracingError):
        household_contacts_register(index=index, contacts=[typed(), contact], today=TODAY)
    assert not CloseContact.objects.exists()
    assert not Person.objects.filter(fnr="").exists()


def test_a_tracer_cannot_register_a_contact_without_a_number():
    index = IndexFactory()
    with pytest.raises(TracingError):
        close_contact_register(index=index, person=typed())


def test_a_tracers_contact_is_reported_by_staff():
    index = IndexFactory()
    person = PersonDetails(fnr=new_fnr(datetime.date(1970, 1, 1)), first_name="A", last_name="B")
    assert close_contact_register(index=index, person=person).reported_by == "staff"


names = st.text(
    alphabet=st.characters(categories=("L",), max_codepoint=0x2FF), min_size=1, max_size=30
)
phones = st.from_regex(r"\A\+?[0-9]{8,15}\Z")
households = st.lists(
    st.builds(typed, first=names, last=names, phone=phones), max_size=HOUSEHOLD_MAX
)


@FUZZ
@given(contacts=households)
def test_every_valid_household_lands_whole_and_in_order(contacts):
    index = IndexFactory()
    registered = household_contacts_register(index=index, contacts=contacts, today=TODAY)
    stored = list(index.close_contacts.order_by("pk").select_related("person"))
    assert [c.pk for c in registered] == [c.pk for c in stored]
    assert [(c.person.first_name, c.person.last_name, c.person.phone) for c in stored] == [
        (c.first_name.strip(), c.last_name.strip(), c.phone) for c in contacts
    ]
