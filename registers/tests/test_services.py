"""register_load (O-2): replace-or-add in one transaction, relations both ways."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registers.models import SyntheticKrrEntry, SyntheticParentage, SyntheticPerson
from registers.services import RegisterLoadError, register_load
from registers.synthetic import SyntheticFolkeregister, SyntheticKrr
from registers.types import ContactInfo
from tests.factories import (
    SyntheticKrrEntryFactory,
    SyntheticParentageFactory,
    SyntheticPersonFactory,
    new_fnr,
    register_file_entry,
    years_ago,
)

pytestmark = pytest.mark.django_db


def load(*entries) -> int:
    return register_load(data={"personer": list(entries)})


def test_loads_persons_readable_through_the_register_interfaces():
    raw = register_file_entry(mellomnavn="Marie")

    assert load(raw, register_file_entry()) == 2

    person = SyntheticFolkeregister().person(raw["foedselsnummer"])
    assert person.full_name == "Kari Marie Nordmann"
    assert person.address.street_line == "Storgata 1"
    assert SyntheticKrr().contact_info(raw["foedselsnummer"]) == ContactInfo(
        "+4791234567", "kari@example.no", reserved=False
    )


def test_parent_in_same_file_sees_child_and_relation_is_stored_once():
    parent = register_file_entry()
    child = register_file_entry(birth_date=years_ago(9), foreldre=[parent["foedselsnummer"]])

    load(child, parent)

    (found,) = SyntheticFolkeregister().children(parent["foedselsnummer"])
    assert found.fnr == child["foedselsnummer"]
    assert SyntheticParentage.objects.count() == 1


def test_parent_not_in_register_still_has_the_child():
    parent_fnr = new_fnr()
    child = register_file_entry(birth_date=years_ago(9), foreldre=[parent_fnr])

    load(child)

    assert [c.fnr for c in SyntheticFolkeregister().children(parent_fnr)] == [
        child["foedselsnummer"]
    ]


def test_same_number_replaces_person_address_parents_and_krr():
    old_parent = new_fnr()
    row = SyntheticPersonFactory(first_name="Gammel", street_name="Gamleveien")
    SyntheticParentageFactory(child=row, parent_fnr=old_parent)
    SyntheticKrrEntryFactory(person=row)
    new_parent = new_fnr()

    load(
        register_file_entry(
            foedselsnummer=row.fnr,
            fornavn="Ny",
            bostedsadresse=None,
            foreldre=[new_parent],
            krr=None,
        )
    )

    person = SyntheticFolkeregister().person(row.fnr)
    assert (person.first_name, person.address) == ("Ny", None)
    assert SyntheticFolkeregister().children(old_parent) == []
    assert [c.fnr for c in SyntheticFolkeregister().children(new_parent)] == [row.fnr]
    assert SyntheticKrr().contact_info(row.fnr) is None
    assert SyntheticPerson.objects.count() == 1


def test_replacing_a_parent_keeps_their_children():
    parent = SyntheticPersonFactory()
    child = SyntheticParentageFactory(parent_fnr=parent.fnr).child

    load(register_file_entry(foedselsnummer=parent.fnr, fornavn="Endret"))

    assert [c.fnr for c in SyntheticFolkeregister().children(parent.fnr)] == [child.fnr]


def test_others_in_the_register_are_left_alone():
    other = SyntheticKrrEntryFactory().person

    load(register_file_entry())

    assert SyntheticFolkeregister().person(other.fnr) is not None
    assert SyntheticKrr().contact_info(other.fnr) is not None


def test_invalid_file_changes_nothing():
    existing = SyntheticPersonFactory(first_name="Uendret")
    bad = register_file_entry()
    bad["bostedsadresse"]["postnummer"] = "12"

    with pytest.raises(RegisterLoadError):
        load(register_file_entry(foedselsnummer=existing.fnr, fornavn="Ny"), bad)

    assert list(SyntheticPerson.objects.values_list("first_name", flat=True)) == ["Uendret"]


def test_failure_while_writing_rolls_everything_back():
    existing = SyntheticPersonFactory(first_name="Uendret")

    with (
        mock.patch.object(SyntheticKrrEntry.objects, "bulk_create", side_effect=RuntimeError),
        pytest.raises(RuntimeError),
    ):
        load(register_file_entry(foedselsnummer=existing.fnr, fornavn="Ny"), register_file_entry())

    assert list(SyntheticPerson.objects.values_list("first_name", flat=True)) == ["Uendret"]


def test_number_of_queries_does_not_grow_with_the_number_of_persons():
    def queries_to_load(count: int) -> int:
        entries = [register_file_entry(foreldre=[new_fnr()]) for _ in range(count)]
        with CaptureQueriesContext(connection) as captured:
            load(*entries)
        return len(captured)

    assert queries_to_load(3) == queries_to_load(40)
