"""Reading and checking the register file of O-2 before anything is written.

Every entry is checked in full and every problem is reported, each naming its entry's position
(`personer[3]`) and the field, never a value: the values are fødselsnumre and names. Unknown
keys are refused too, so a misspelt optional key (`bostedadresse`) cannot silently load a
person without an address.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import timezone

from registers.identity import is_valid_fnr
from registers.types import Address, ContactInfo

MAX_PROBLEMS_SHOWN = 20
PERSON_KEYS = {
    "foedselsnummer",
    "fornavn",
    "mellomnavn",
    "etternavn",
    "foedselsdato",
    "bostedsadresse",
    "foreldre",
    "krr",
}
ADDRESS_KEYS = {
    "adressenavn",
    "husnummer",
    "husbokstav",
    "bruksenhetsnummer",
    "postnummer",
    "kommunenummer",
}
KRR_KEYS = {"mobiltelefonnummer", "epostadresse", "reservert"}
FOUR_DIGITS = re.compile(r"[0-9]{4}")
HOUSE_NUMBER = re.compile(r"[0-9]{1,5}")
UNIT_NUMBER = re.compile(r"[HKLU][0-9]{4}")  # Matrikkelen's bruksenhetsnummer, e.g. H0101
PHONE = re.compile(r"\+?[0-9]{8,15}")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class RegisterLoadError(Exception):
    """The register file cannot be loaded; `problems` lists each one, nothing was changed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("; ".join(shown) + (f"; and {more} more" if more else ""))


@dataclass(frozen=True)
class PersonEntry:
    """One checked entry of the file."""

    fnr: str
    first_name: str
    middle_name: str
    last_name: str
    birth_date: datetime.date
    address: Address | None
    parents: tuple[str, ...]
    contact: ContactInfo | None


def parse_register_file(data: object, *, allow_synthetic: bool) -> list[PersonEntry]:
    """The checked entries of an O-2 file, or RegisterLoadError listing every problem."""
    if not isinstance(data, dict) or set(data) != {"personer"}:
        raise RegisterLoadError(['the file must be a JSON object with only the key "personer"'])
    if not isinstance(data["personer"], list):
        raise RegisterLoadError(['"personer" must be a list'])
    problems: list[str] = []
    entries = []
    for position, raw in enumerate(data["personer"]):
        entry = _Entry(f"personer[{position}]", problems, allow_synthetic).parse(raw)
        if entry is not None:
            entries.append(entry)
    first_seen: dict[str, int] = {}
    for position, raw in enumerate(data["personer"]):
        fnr = raw.get("foedselsnummer") if isinstance(raw, dict) else None
        if isinstance(fnr, str) and fnr in first_seen:
            problems.append(
                f"personer[{position}]: the same foedselsnummer as personer[{first_seen[fnr]}]"
            )
        elif isinstance(fnr, str):
            first_seen[fnr] = position
    if problems:
        raise RegisterLoadError(problems)
    return entries


class _Entry:
    def __init__(self, where: str, problems: list[str], allow_synthetic: bool):
        self.where = where
        self.problems = problems
        self.allow_synthetic = allow_synthetic
        self.ok = True

    def problem(self, text: str) -> None:
        self.ok = False
        self.problems.append(f"{self.where}: {text}")

    def parse(self, raw: object) -> PersonEntry | None:
        if not isinstance(raw, dict):
            self.problem("must be a JSON object")
            return None
        self.unknown_keys(raw, PERSON_KEYS, "")
        fnr = raw.get("foedselsnummer")
        if not is_valid_fnr(fnr, allow_synthetic=self.allow_synthetic):
            self.problem("foedselsnummer is not a valid fødselsnummer or d-nummer")
        entry = PersonEntry(
            fnr=fnr,
            first_name=self.text(raw, "fornavn", required=True, max_length=100),
            middle_name=self.text(raw, "mellomnavn", max_length=100),
            last_name=self.text(raw, "etternavn", required=True, max_length=100),
            birth_date=self.birth_date(raw.get("foedselsdato")),
            address=self.address(raw.get("bostedsadresse")),
            parents=self.parents(raw.get("foreldre"), fnr),
            contact=self.contact(raw.get("krr")),
        )
        return entry if self.ok else None

    def unknown_keys(self, raw: dict, allowed: set[str], within: str) -> None:
        for key in sorted(set(raw) - allowed, key=str):
            self.problem(f'unknown key "{within}{key}"')

    def text(self, raw, key, *, required=False, max_length, pattern=None, label=None) -> str:
        label = label or key
        value = raw.get(key)
        if value is None or value == "":
            if required:
                self.problem(f"{label} is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problem(f"{label} must be a non-blank string")
        elif len(value) > max_length:
            self.problem(f"{label} is longer than {max_length} characters")
        elif pattern is not None and not pattern.fullmatch(value):
            self.problem(f"{label} is not in the expected form")
        return value if isinstance(value, str) else ""

    def birth_date(self, value) -> datetime.date | None:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            self.problem("foedselsdato must be a date written YYYY-MM-DD")
            return None
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            self.problem("foedselsdato is not a calendar date")
            return None
        if day > timezone.localdate():
            self.problem("foedselsdato lies in the future")
        return day

    def address(self, raw) -> Address | None:
        if raw is None:
            return None  # no known address (O-2)
        if not isinstance(raw, dict):
            self.problem("bostedsadresse must be a JSON object")
            return None
        self.unknown_keys(raw, ADDRESS_KEYS, "bostedsadresse.")
        letter = self.text(raw, "husbokstav", max_length=1, label="bostedsadresse.husbokstav")
        if letter and not letter.isalpha():
            self.problem("bostedsadresse.husbokstav must be a letter")

        def field(key, pattern=None, *, required=False, max_length=10):
            return self.text(
                raw,
                key,
                required=required,
                max_length=max_length,
                pattern=pattern,
                label=f"bostedsadresse.{key}",
            )

        return Address(
            street_name=field("adressenavn", required=True, max_length=200),
            house_number=field("husnummer", HOUSE_NUMBER),
            house_letter=letter,
            unit_number=field("bruksenhetsnummer", UNIT_NUMBER),
            postal_code=field("postnummer", FOUR_DIGITS, required=True),
            municipality_number=field("kommunenummer", FOUR_DIGITS, required=True),
        )

    def parents(self, raw, own_fnr) -> tuple[str, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem("foreldre must be a list of fødselsnumre")
            return ()
        for position, parent in enumerate(raw):
            if not is_valid_fnr(parent, allow_synthetic=self.allow_synthetic):
                self.problem(f"foreldre[{position}] is not a valid fødselsnummer or d-nummer")
            elif parent == own_fnr:
                self.problem(f"foreldre[{position}] is the person themself")
            elif raw.index(parent) != position:
                self.problem(f"foreldre[{position}] repeats foreldre[{raw.index(parent)}]")
        return tuple(raw)

    def contact(self, raw) -> ContactInfo | None:
        if raw is None:
            return None  # not in KRR (O-2)
        if not isinstance(raw, dict):
            self.problem("krr must be a JSON object")
            return None
        self.unknown_keys(raw, KRR_KEYS, "krr.")
        phone = self.text(
            raw, "mobiltelefonnummer", max_length=20, pattern=PHONE, label="krr.mobiltelefonnummer"
        )
        email = self.text(raw, "epostadresse", max_length=254, label="krr.epostadresse")
        if email and len(email) <= 254:
            try:
                EmailValidator()(email)
            except ValidationError:
                self.problem("krr.epostadresse is not an e-mail address")
        reserved = raw.get("reservert", False)
        if not isinstance(reserved, bool):
            self.problem("krr.reservert must be true or false")
        return ContactInfo(phone=phone, email=email, reserved=reserved is True)
