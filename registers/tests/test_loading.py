"""Checking the O-2 register file: every problem found, named by position, never by value."""

import datetime

import pytest
from django.utils import timezone

from registers.loading import RegisterLoadError, parse_register_file
from registers.types import Address, ContactInfo
from tests.factories import new_fnr, register_file_entry


def parse(*entries, allow_synthetic=True):
    return parse_register_file({"personer": list(entries)}, allow_synthetic=allow_synthetic)


def problems(*entries, allow_synthetic=True) -> list[str]:
    with pytest.raises(RegisterLoadError) as raised:
        parse(*entries, allow_synthetic=allow_synthetic)
    return raised.value.problems


def address(**fields):
    base = register_file_entry()["bostedsadresse"]
    base.update(fields)
    return base


def test_valid_entry_becomes_person_entry():
    parent = new_fnr()
    raw = register_file_entry(mellomnavn="Marie", foreldre=[parent])

    (entry,) = parse(raw)

    assert entry.fnr == raw["foedselsnummer"]
    assert (entry.first_name, entry.middle_name, entry.last_name) == ("Kari", "Marie", "Nordmann")
    assert entry.birth_date == datetime.date.fromisoformat(raw["foedselsdato"])
    assert entry.address == Address("Storgata", "1", "", "H0101", "0155", "0301")
    assert entry.parents == (parent,)
    assert entry.contact == ContactInfo("+4791234567", "kari@example.no", reserved=False)


def test_absent_address_krr_parents_and_middle_name_are_none_or_empty():
    raw = register_file_entry(bostedsadresse=None, krr=None, foreldre=None, mellomnavn=None)

    (entry,) = parse(raw)

    assert (entry.address, entry.contact, entry.parents, entry.middle_name) == (None, None, (), "")


def test_null_address_and_krr_mean_absent():
    raw = register_file_entry()
    raw["bostedsadresse"] = raw["krr"] = None

    (entry,) = parse(raw)

    assert (entry.address, entry.contact) == (None, None)


def test_empty_file_is_no_persons():
    assert parse() == []


@pytest.mark.parametrize(
    "data",
    [[], {"personer": {}}, {"personer": [], "extra": 1}, {"people": []}, "personer"],
    ids=["list", "personer-not-list", "extra-key", "no-personer", "string"],
)
def test_file_that_is_not_an_object_with_personer_list_is_refused(data):
    with pytest.raises(RegisterLoadError):
        parse_register_file(data, allow_synthetic=True)


@pytest.mark.parametrize("field", ["foedselsnummer", "fornavn", "etternavn", "foedselsdato"])
def test_missing_required_field_is_named_with_entry_position(field):
    raw = register_file_entry()
    del raw[field]

    (problem,) = problems(register_file_entry(), raw)

    assert problem.startswith("personer[1]: ")
    assert field in problem


def test_bad_checksum_is_refused_without_showing_number_or_name():
    raw = register_file_entry()
    number = raw["foedselsnummer"]
    raw["foedselsnummer"] = number[:10] + str((int(number[10]) + 1) % 10)

    (problem,) = problems(raw)

    assert "foedselsnummer" in problem
    assert raw["foedselsnummer"] not in problem
    assert "Kari" not in problem and "Nordmann" not in problem


def test_synthetic_number_refused_where_synthetic_numbers_are_not_allowed():
    (problem,) = problems(register_file_entry(), allow_synthetic=False)

    assert "foedselsnummer" in problem


@pytest.mark.parametrize("value", ["01.01.1970", "1970-02-30", "1970-1-1", 19700101, None], ids=str)
def test_bad_birth_date_is_refused(value):
    raw = register_file_entry()
    raw["foedselsdato"] = value

    (problem,) = problems(raw)

    assert "foedselsdato" in problem


def test_birth_date_in_future_is_refused():
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    raw = register_file_entry()
    raw["foedselsdato"] = tomorrow.isoformat()

    (problem,) = problems(raw)

    assert "future" in problem


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("postnummer", "155"),
        ("postnummer", "01555"),
        ("postnummer", "O155"),
        ("postnummer", 155),
        ("postnummer", ""),
        ("kommunenummer", "301"),
        ("kommunenummer", "03011"),
        ("kommunenummer", None),
        ("adressenavn", ""),
        ("adressenavn", "   "),
        ("husnummer", "1A"),
        ("husbokstav", "AB"),
        ("husbokstav", "1"),
        ("bruksenhetsnummer", "0101"),
        ("bruksenhetsnummer", "H101"),
    ],
)
def test_bad_address_field_is_refused(field, value):
    (problem,) = problems(register_file_entry(bostedsadresse=address(**{field: value})))

    assert f"bostedsadresse.{field}" in problem


def test_address_that_is_not_an_object_is_refused():
    (problem,) = problems(register_file_entry(bostedsadresse="Storgata 1"))

    assert "bostedsadresse" in problem


def test_unknown_keys_are_refused_so_typos_do_not_drop_data():
    raw = register_file_entry(bostedsadresse=None)
    raw["bostedadresse"] = address()
    raw["krr"]["epost"] = "kari@example.no"

    found = problems(raw)

    assert any('"bostedadresse"' in problem for problem in found)
    assert any('"krr.epost"' in problem for problem in found)


def test_unknown_address_key_is_refused():
    (problem,) = problems(register_file_entry(bostedsadresse=address(gate="Storgata")))

    assert '"bostedsadresse.gate"' in problem


@pytest.mark.parametrize(
    ("foreldre", "expected"),
    [
        ("01018012345", "foreldre must be a list"),
        (["12345678901"], "foreldre[0] is not a valid"),
        ([None], "foreldre[0] is not a valid"),
    ],
)
def test_bad_parents_are_refused(foreldre, expected):
    (problem,) = problems(register_file_entry(foreldre=foreldre))

    assert expected in problem


def test_parent_listed_twice_is_refused():
    parent = new_fnr()

    (problem,) = problems(register_file_entry(foreldre=[parent, parent]))

    assert "foreldre[1] repeats foreldre[0]" in problem


def test_person_as_own_parent_is_refused():
    raw = register_file_entry()
    raw["foreldre"] = [raw["foedselsnummer"]]

    (problem,) = problems(raw)

    assert "foreldre[0] is the person themself" in problem


@pytest.mark.parametrize(
    ("krr", "field"),
    [
        ({"mobiltelefonnummer": "91 23 45 67"}, "krr.mobiltelefonnummer"),
        ({"mobiltelefonnummer": "+47912"}, "krr.mobiltelefonnummer"),
        ({"epostadresse": "kari.example.no"}, "krr.epostadresse"),
        ({"epostadresse": 7}, "krr.epostadresse"),
        ({"reservert": "nei"}, "krr.reservert"),
        ("ja", "krr"),
    ],
)
def test_bad_krr_field_is_refused(krr, field):
    (problem,) = problems(register_file_entry(krr=krr))

    assert field in problem


def test_krr_with_only_some_fields_is_accepted_and_not_reserved_by_default():
    (entry,) = parse(register_file_entry(krr={"epostadresse": "kari@example.no"}))

    assert entry.contact == ContactInfo(phone="", email="kari@example.no", reserved=False)


def test_same_number_twice_in_file_is_refused_naming_both_positions():
    first = register_file_entry()
    second = register_file_entry(foedselsnummer=first["foedselsnummer"])

    (problem,) = problems(first, register_file_entry(), second)

    assert problem == "personer[2]: the same foedselsnummer as personer[0]"


def test_every_problem_in_every_entry_is_reported():
    bad_name = register_file_entry(fornavn="")
    bad_post = register_file_entry(bostedsadresse=address(postnummer="1"))

    found = problems(bad_name, register_file_entry(), bad_post, "not an object")

    assert [problem.split(":")[0] for problem in found] == [
        "personer[0]",
        "personer[2]",
        "personer[3]",
    ]


def test_message_shows_the_first_twenty_problems_and_counts_the_rest():
    with pytest.raises(RegisterLoadError) as raised:
        parse(*["not an object"] * 25)

    assert len(raised.value.problems) == 25
    assert "personer[19]" in str(raised.value)
    assert "personer[20]" not in str(raised.value)
    assert str(raised.value).endswith("; and 5 more")
