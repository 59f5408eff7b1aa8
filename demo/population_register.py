"""A synthetic population at national shape: the register part (Folkeregister, KRR).

Households are generated municipality by municipality (weights: demo/population_weights.py):
single adults, couples, couples with children and single parents. Everyone in a household has
the same bostedsadresse, unique to that household, so C-4's "same address" holds exactly for
the household. Children get parentage rows for the parents at their address; half of the
children of single parents also have a second parent living elsewhere in the municipality
(a child that parent cannot register, C-4). Most persons of 15 and over are in KRR; a few are
reserved. The tracing history for these persons is made by demo/population_tracing.py.

Everything comes from one `random.Random(seed)`, walking the municipalities in number order:
the same seed, N and day give the same data.
"""

import csv
import datetime
import random
from dataclasses import dataclass, field
from itertools import accumulate

from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

from demo.population_names import (
    FEMALE_NAMES,
    LAST_NAMES,
    MALE_NAMES,
    MIDDLE_NAMES,
    STREETS,
    ascii_name,
)
from municipalities.reference_data import POSTAL_CODES_FILE
from registers.identity import age_on

# Household kinds and their shares; the mean household is ~2 persons, ~23 % are children.
HOUSEHOLD_KINDS = ("single", "couple", "couple_children", "single_parent")
HOUSEHOLD_WEIGHTS = (42, 30, 20, 8)
CHILDREN_COUNTS = (1, 2, 3, 4)
CHILDREN_WEIGHTS = (45, 40, 12, 3)
NO_ADDRESS_SHARE = 0.005  # single adults without a known address
MIDDLE_NAME_SHARE = 0.15
SECOND_PARENT_ELSEWHERE_SHARE = 0.5
KRR_MIN_AGE = 15
KRR_SHARE = 0.93
KRR_RESERVED_SHARE = 0.02
HOUSES_PER_STREET = 150
UNITS_PER_FLOOR = 4

# Adults' ages: flat from 18 to 70, then fewer each year to 100.
_ADULT_AGES = list(range(18, 101))
_ADULT_CUM = list(
    accumulate(1.0 if age <= 70 else max(0.05, 1 - (age - 70) / 30) for age in _ADULT_AGES)
)


class DateExhausted(Exception):
    pass


def synthetic_number(birth_date: datetime.date, individual: int) -> str | None:
    """The synthetic fødselsnummer (month + 80, as registers.identity.synthetic_fnr) for this
    birth date and individual number, or None where the check digits do not exist."""
    base = f"{birth_date.day:02d}{birth_date.month + 80:02d}{birth_date.year % 100:02d}{individual:03d}"
    k1 = calc_check_digit1(base)
    if k1 == "10":
        return None
    k2 = calc_check_digit2(base + k1)
    return None if k2 == "10" else base + k1 + k2


class FnrSequence:
    """Unique synthetic numbers without random retries: for each birth date, the individual
    numbers of its century range (000-499 for 1900-1999, 500-999 for 2000-2039) are walked in
    order from a seed-given offset; about 410 of the 500 have valid check digits."""

    def __init__(self, seed: int):
        self._offset = seed % 500
        self._next: dict[datetime.date, int] = {}

    def take(self, birth_date: datetime.date) -> str:
        low = 0 if birth_date.year < 2000 else 500
        k = self._next.get(birth_date, 0)
        while k < 500:
            number = synthetic_number(birth_date, low + (self._offset + k) % 500)
            k += 1
            if number is not None:
                self._next[birth_date] = k
                return number
        self._next[birth_date] = k
        raise DateExhausted(birth_date)

    def take_near(self, birth_date: datetime.date) -> tuple[str, datetime.date]:
        """A number for `birth_date`, or for the nearest earlier day that still has one."""
        day = birth_date
        while True:
            try:
                return self.take(day), day
            except DateExhausted:
                day -= datetime.timedelta(days=1)


@dataclass(slots=True)
class GeneratedPerson:
    """What the tracing history needs to know about a generated person."""

    fnr: str
    first_name: str
    middle_name: str
    last_name: str
    birth_date: datetime.date
    household: int
    street_address: str
    postal_code: str
    post_town: str
    phone: str
    email: str
    guardian_fnr: str = ""  # children: a parent at the same address


@dataclass
class RegisterCounts:
    persons: int = 0
    households: int = 0
    parentages: int = 0
    krr_entries: int = 0
    krr_reserved: int = 0
    children: int = 0


@dataclass
class MunicipalityPopulation:
    number: str
    persons: list[GeneratedPerson] = field(default_factory=list)
    households: list[list[int]] = field(default_factory=list)  # indexes into persons


def postal_codes_by_municipality() -> dict[str, list[tuple[str, str]]]:
    """Street-address postal codes (Bring categories G, B) with their post towns."""
    codes: dict[str, list[tuple[str, str]]] = {}
    with POSTAL_CODES_FILE.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if row["kategori"] in ("G", "B"):
                codes.setdefault(row["kommunenummer"], []).append(
                    (row["postnummer"], row["poststed"].title())
                )
    return codes


class RegisterGenerator:
    """Makes the persons of one municipality at a time and hands their rows to `add_row`."""

    def __init__(self, *, rng: random.Random, fnrs: FnrSequence, today: datetime.date, add_row):
        self.rng = rng
        self.fnrs = fnrs
        self.today = today
        self.add_row = add_row  # add_row(model_key, row_tuple), see demo.bulkload.TABLES
        self.postal_codes = postal_codes_by_municipality()
        self.counts = RegisterCounts()
        self._serial = 0

    def municipality(self, number: str, persons: int) -> MunicipalityPopulation:
        population = MunicipalityPopulation(number)
        household = 0
        while len(population.persons) < persons:
            self._household(population, household, persons - len(population.persons))
            household += 1
        self.counts.households += household
        return population

    def _birth_date(self, age: int) -> datetime.date:
        return self.today - datetime.timedelta(days=int(age * 365.25) + self.rng.randrange(365))

    def _adult_age(self, low: int = 18, high: int = 100) -> int:
        while True:
            age = self.rng.choices(_ADULT_AGES, cum_weights=_ADULT_CUM)[0]
            if low <= age <= high:
                return age

    def _address(self, number: str, household: int) -> tuple:
        street = STREETS[household % len(STREETS)]
        rest = household // len(STREETS)
        house = str(1 + rest % HOUSES_PER_STREET)
        unit = rest // HOUSES_PER_STREET
        unit_number = f"H{1 + unit // UNITS_PER_FLOOR:02d}{1 + unit % UNITS_PER_FLOOR:02d}"
        codes = self.postal_codes.get(number) or [("", "")]
        postal_code, post_town = codes[self.rng.randrange(len(codes))]
        return street, house, "", unit_number, postal_code, post_town

    def _household(self, population: MunicipalityPopulation, household: int, room: int) -> None:
        rng = self.rng
        kind = rng.choices(HOUSEHOLD_KINDS, weights=HOUSEHOLD_WEIGHTS)[0]
        with_children = kind in ("couple_children", "single_parent")
        adults = 2 if kind.startswith("couple") else 1
        children = rng.choices(CHILDREN_COUNTS, weights=CHILDREN_WEIGHTS)[0] if with_children else 0
        adults = min(adults, room)
        children = min(children, room - adults)
        last_name = rng.choice(LAST_NAMES)
        has_address = not (kind == "single" and rng.random() < NO_ADDRESS_SHARE)
        address = self._address(population.number, household) if has_address else None
        members: list[int] = []
        parent_ages = []
        for i in range(adults):
            age = self._adult_age(25, 55) if with_children else self._adult_age()
            parent_ages.append(age)
            own_last = last_name if i == 0 or rng.random() < 0.6 else rng.choice(LAST_NAMES)
            members.append(self._person(population, household, age, own_last, address))
        parents = [population.persons[i].fnr for i in members]
        for _ in range(children):
            age = rng.randrange(0, min(18, min(parent_ages) - 17))
            child = self._person(population, household, age, last_name, address)
            members.append(child)
            self._parentages(population, child, parents)
        population.households.append(members)

    def _parentages(self, population: MunicipalityPopulation, child: int, parents: list[str]):
        person = population.persons[child]
        person.guardian_fnr = parents[0]
        self.counts.children += 1
        parent_fnrs = list(parents)
        if len(parents) == 1 and self.rng.random() < SECOND_PARENT_ELSEWHERE_SHARE:
            elsewhere = self._adult_elsewhere(population, person.household)
            if elsewhere:
                parent_fnrs.append(elsewhere)
        for parent in parent_fnrs:
            self.add_row("parentage", (parent, person.fnr))
            self.counts.parentages += 1

    def _adult_elsewhere(self, population: MunicipalityPopulation, household: int) -> str:
        """An adult of 25-60 in an earlier household of this municipality, or '' if none."""
        for _ in range(5):
            if not population.households:
                return ""
            members = population.households[self.rng.randrange(len(population.households))]
            adult = population.persons[members[0]]
            if adult.household != household and 25 <= self._age(adult.birth_date) <= 60:
                return adult.fnr
        return ""

    def _age(self, birth_date: datetime.date) -> int:
        return age_on(birth_date, self.today)

    def _person(self, population, household: int, age: int, last_name: str, address) -> int:
        rng = self.rng
        fnr, birth_date = self.fnrs.take_near(self._birth_date(age))
        # The ninth digit is odd for men and even for women, as in real numbers.
        first_name = rng.choice(MALE_NAMES if int(fnr[8]) % 2 else FEMALE_NAMES)
        middle_name = rng.choice(MIDDLE_NAMES) if rng.random() < MIDDLE_NAME_SHARE else ""
        if address is None:
            address_columns = (False, "", "", "", "", "", "")
            street_address = postal_code = post_town = ""
        else:
            street, house, letter, unit, postal_code, post_town = address
            address_columns = (True, street, house, letter, unit, postal_code, population.number)
            street_address = f"{street} {house}{letter}"
        self.add_row(
            "register_person",
            (fnr, first_name, middle_name, last_name, birth_date, *address_columns),
        )
        self.counts.persons += 1
        phone = email = ""
        if self._age(birth_date) >= KRR_MIN_AGE and rng.random() < KRR_SHARE:
            self._serial += 1
            phone = f"+47{rng.choice('49')}{self._serial:07d}"
            email = f"{ascii_name(first_name)}.{ascii_name(last_name)}{self._serial}@example.com"
            reserved = rng.random() < KRR_RESERVED_SHARE
            self.add_row("krr", (fnr, phone, email, reserved))
            self.counts.krr_entries += 1
            if reserved:
                self.counts.krr_reserved += 1
                phone = email = ""  # reserved: not offered for prefill
        population.persons.append(
            GeneratedPerson(
                fnr=fnr,
                first_name=first_name,
                middle_name=middle_name,
                last_name=last_name,
                birth_date=birth_date,
                household=household,
                street_address=street_address,
                postal_code=postal_code,
                post_town=post_town,
                phone=phone,
                email=email,
            )
        )
        return len(population.persons) - 1
