"""C-4 and C-7 as tables: the portal's pure rules (selfreg.rules)."""

import datetime

import pytest

from registers.types import Address, RegisterPerson
from selfreg.rules import Answers, answers_errors, child_is_eligible, eligible_children

TODAY = datetime.date(2021, 12, 21)
HOME = Address("Storgata", "1", "", "H0101", "0155", "0301")


def person(
    birth_date: datetime.date, address: Address | None = HOME, fnr: str = "1"
) -> RegisterPerson:
    return RegisterPerson(
        fnr=fnr,
        first_name="Kari",
        middle_name="",
        last_name="Nordmann",
        birth_date=birth_date,
        address=address,
    )


def born_years_ago(years: int, *, days: int = 0) -> datetime.date:
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


ELIGIBILITY = [
    # (case, parent address, child, eligible)
    ("10 years, same address", HOME, person(born_years_ago(10)), True),
    ("newborn today, same address", HOME, person(TODAY), True),
    ("15 years 364 days", HOME, person(born_years_ago(16) + datetime.timedelta(days=1)), True),
    ("16 today", HOME, person(born_years_ago(16)), False),
    ("17 years", HOME, person(born_years_ago(17)), False),
    (
        "other street",
        HOME,
        person(born_years_ago(10), Address("Lillegata", "1", "", "H0101", "0155", "0301")),
        False,
    ),
    (
        "same building, other flat (bruksenhetsnummer)",
        HOME,
        person(born_years_ago(10), Address("Storgata", "1", "", "H0102", "0155", "0301")),
        False,
    ),
    (
        "other house letter",
        HOME,
        person(born_years_ago(10), Address("Storgata", "1", "B", "H0101", "0155", "0301")),
        False,
    ),
    ("child without address", HOME, person(born_years_ago(10), None), False),
    ("parent without address", None, person(born_years_ago(10)), False),
    ("neither has an address", None, person(born_years_ago(10), None), False),
]


@pytest.mark.parametrize(
    ("parent_address", "child", "eligible"),
    [row[1:] for row in ELIGIBILITY],
    ids=[row[0] for row in ELIGIBILITY],
)
def test_c4_child_is_eligible(parent_address, child, eligible):
    assert child_is_eligible(parent_address=parent_address, child=child, today=TODAY) is eligible


def test_c4_eligible_children_keeps_only_eligible_in_register_order():
    parent = person(born_years_ago(40), fnr="p")
    young = person(born_years_ago(3), fnr="a")
    old = person(born_years_ago(16), fnr="b")
    elsewhere = person(born_years_ago(5), None, fnr="c")
    middle = person(born_years_ago(8), fnr="d")
    children = [young, old, elsewhere, middle]
    assert eligible_children(parent=parent, children=children, today=TODAY) == [young, middle]


def days(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


VALID = Answers(
    test_date_from=days(1),
    no_symptoms=True,
    infection_place="household",
    risk_group="no",
)


def with_(**changes) -> Answers:
    return Answers(**{**VALID.__dict__, **changes})


ANSWERS = [
    # (case, answers, expected [(field, code)])
    ("valid: test yesterday, no symptoms", VALID, []),
    ("valid: test today", with_(test_date_from=TODAY), []),
    ("valid: test exactly 14 days ago", with_(test_date_from=days(14)), []),
    (
        "test 15 days ago is too old",
        with_(test_date_from=days(15)),
        [("test_date_from", "test_too_old")],
    ),
    (
        "test date in the future",
        with_(test_date_from=TODAY + datetime.timedelta(days=1)),
        [("test_date_from", "future")],
    ),
    ("valid: test period", with_(test_date_from=days(3), test_date_to=days(1)), []),
    ("valid: one-day period", with_(test_date_from=days(3), test_date_to=days(3)), []),
    (
        "test period end before start",
        with_(test_date_from=days(3), test_date_to=days(4)),
        [("test_date_to", "end_before_start")],
    ),
    (
        "test period end in the future",
        with_(test_date_to=TODAY + datetime.timedelta(days=1)),
        [("test_date_to", "future")],
    ),
    (
        "test period end without start",
        with_(test_date_from=None, test_date_to=days(1)),
        [("test_date_from", "required")],
    ),
    ("test date missing", with_(test_date_from=None), [("test_date_from", "required")]),
    ("valid: symptoms before the test", with_(no_symptoms=False, symptom_onset_from=days(5)), []),
    (
        "valid: symptoms after the test, up to today",
        with_(no_symptoms=False, symptom_onset_from=TODAY),
        [],
    ),
    (
        "symptom onset in the future",
        with_(no_symptoms=False, symptom_onset_from=TODAY + datetime.timedelta(days=1)),
        [("symptom_onset_from", "future")],
    ),
    (
        "valid: symptom period",
        with_(no_symptoms=False, symptom_onset_from=days(5), symptom_onset_to=days(2)),
        [],
    ),
    (
        "symptom period end before start",
        with_(no_symptoms=False, symptom_onset_from=days(2), symptom_onset_to=days(5)),
        [("symptom_onset_to", "end_before_start")],
    ),
    (
        "symptom period end in the future",
        with_(
            no_symptoms=False,
            symptom_onset_from=days(2),
            symptom_onset_to=TODAY + datetime.timedelta(days=2),
        ),
        [("symptom_onset_to", "future")],
    ),
    (
        "symptom end without start",
        with_(no_symptoms=False, symptom_onset_to=days(2)),
        [("symptom_onset_from", "end_without_start")],
    ),
    (
        "neither symptom date nor no symptoms",
        with_(no_symptoms=False),
        [("symptom_onset_from", "symptoms_missing")],
    ),
    (
        "both symptom date and no symptoms",
        with_(symptom_onset_from=days(2)),
        [("symptom_onset_from", "symptoms_and_none")],
    ),
    ("infection place missing", with_(infection_place=""), [("infection_place", "required")]),
    (
        "'Annet' without description",
        with_(infection_place="other"),
        [("infection_place_description", "description_required")],
    ),
    (
        "'Annet' with blank description",
        with_(infection_place="other", infection_place_description="  "),
        [("infection_place_description", "description_required")],
    ),
    (
        "valid: 'Annet' described",
        with_(infection_place="other", infection_place_description="På bussen"),
        [],
    ),
    ("risk group missing", with_(risk_group=""), [("risk_group", "required")]),
    ("valid: workplace empty", with_(workplace_or_school=""), []),
    (
        "everything missing: every required field, once each",
        Answers(),
        [
            ("test_date_from", "required"),
            ("symptom_onset_from", "symptoms_missing"),
            ("infection_place", "required"),
            ("risk_group", "required"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("answers", "expected"), [row[1:] for row in ANSWERS], ids=[row[0] for row in ANSWERS]
)
def test_c7_answers_errors(answers, expected):
    errors = answers_errors(answers, today=TODAY)
    assert [(e.field, e.code) for e in errors] == expected
    assert all(e.message for e in errors)


def test_c7_too_old_message_says_why_and_from_when():
    [error] = answers_errors(with_(test_date_from=days(15)), today=TODAY)
    assert "14 dager" in error.message
    assert "07.12.2021" in error.message


def test_c7_field_with_own_error_gets_no_second_message():
    errors = answers_errors(
        with_(test_date_from=None), today=TODAY, already=frozenset({"test_date_from"})
    )
    assert errors == []
