"""C-4 as a table: the portal's pure rules (selfreg.rules)."""

import datetime

import pytest

from registers.types import Address, RegisterPerson
from selfreg.rules import child_is_eligible, eligible_children

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
