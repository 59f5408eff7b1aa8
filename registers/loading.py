"""Reading and checking the register file of O-2 before anything is written.

Every entry is checked in full and every problem is reported, each naming its entry's position
(`personer[3]`) and the field, never a value: the values are fødselsnumre and names. Unknown
keys are refused too, so a misspelt optional key (`bostedadresse`) cannot silently load a
person without an address.

The shape of an entry (which keys, which types, required or not, lengths, patterns) is the
pydantic models below; pydantic reports every field's problem at once. Its errors are written
in this module's own words (`_PROBLEM_TEXT`), so the messages do not change with pydantic's.
What relates one value to another (a parent who is the person themself or is listed twice, one
number twice in the file) and the two checks that are reported besides a field's other problem
(a house letter that is no letter, an e-mail address that is none) are plain code after it.
"""

import datetime
import re
from dataclasses import dataclass
from typing import Annotated, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator
from django.utils import timezone
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    Strict,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError

from registers.identity import is_valid_fnr
from registers.types import Address, ContactInfo

MAX_PROBLEMS_SHOWN = 20
FOUR_DIGITS = r"[0-9]{4}"
HOUSE_NUMBER = r"[0-9]{1,5}"
UNIT_NUMBER = r"[HKLU][0-9]{4}"  # Matrikkelen's bruksenhetsnummer, e.g. H0101
PHONE = r"\+?[0-9]{8,15}"
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


# --- the shape of an entry ----------------------------------------------------------------------


def _problem(text: str) -> PydanticCustomError:
    """A problem in our words; `text` follows the field's name."""
    return PydanticCustomError("register_file", text)


def _required(value: object) -> object:
    if value is None or value == "":
        raise PydanticCustomError("missing", "required")
    return _not_blank(value)


def _optional(value: object) -> object:
    return "" if value is None else _not_blank(value)


def _not_blank(value: object) -> object:
    if isinstance(value, str) and value and not value.strip():
        raise PydanticCustomError("string_type", "blank")
    return value


def _text(max_length: int, pattern: str | None, *, required: bool):
    """A string of at most `max_length` characters, in full `pattern` when not empty. Absent,
    null and "" are the same: refused if `required`, else ""."""
    constraints = StringConstraints(
        max_length=max_length, pattern=None if pattern is None else f"^(?:{pattern})?$"
    )
    # The before-validator is last: it wraps, and so runs before, the checks of a string.
    return Annotated[
        str, Strict(), constraints, BeforeValidator(_required if required else _optional)
    ]


def _fnr(value: object, info: ValidationInfo) -> object:
    if not is_valid_fnr(value, allow_synthetic=info.context["allow_synthetic"]):
        raise _problem("is not a valid fødselsnummer or d-nummer")
    return value


def _iso_date(value: object) -> datetime.date:
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise _problem("must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise _problem("is not a calendar date") from None


def _not_in_future(day: datetime.date) -> datetime.date:
    if day > timezone.localdate():
        raise _problem("lies in the future")
    return day


class _Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddressIn(_Shape):
    # Problems are listed in the order of the fields here, the house letter's first.
    husbokstav: _text(1, None, required=False) = ""
    adressenavn: _text(200, None, required=True)
    husnummer: _text(10, HOUSE_NUMBER, required=False) = ""
    bruksenhetsnummer: _text(10, UNIT_NUMBER, required=False) = ""
    postnummer: _text(10, FOUR_DIGITS, required=True)
    kommunenummer: _text(10, FOUR_DIGITS, required=True)


class KrrIn(_Shape):
    mobiltelefonnummer: _text(20, PHONE, required=False) = ""
    epostadresse: _text(254, None, required=False) = ""
    reservert: Annotated[bool, Strict()] = False


class PersonIn(_Shape):
    """One entry of `personer` (SPEC.md O-2); absent or null `bostedsadresse`: no known
    address; absent or null `krr`: not in KRR."""

    # Absent is checked like any other value, so that it reads the same as a bad number.
    foedselsnummer: Annotated[Any, AfterValidator(_fnr)] = Field(None, validate_default=True)
    fornavn: _text(100, None, required=True)
    mellomnavn: _text(100, None, required=False) = ""
    etternavn: _text(100, None, required=True)
    foedselsdato: Annotated[
        datetime.date, BeforeValidator(_iso_date), AfterValidator(_not_in_future)
    ] = Field(None, validate_default=True)
    bostedsadresse: AddressIn | None = None
    foreldre: list[Any] | None = None
    krr: KrrIn | None = None


_PROBLEM_TEXT = {
    "missing": "{field} is required",
    "string_type": "{field} must be a non-blank string",
    "string_too_long": "{field} is longer than {max_length} characters",
    "string_pattern_mismatch": "{field} is not in the expected form",
    "extra_forbidden": 'unknown key "{field}"',
    "model_type": "{field} must be a JSON object",
    "list_type": "{field} must be a list of fødselsnumre",
    "bool_type": "{field} must be true or false",
}
_NESTED = {"bostedsadresse": AddressIn, "krr": KrrIn}


# --- the file -----------------------------------------------------------------------------------


def parse_register_file(data: object, *, allow_synthetic: bool) -> list[PersonEntry]:
    """The checked entries of an O-2 file, or RegisterLoadError listing every problem."""
    if not isinstance(data, dict) or set(data) != {"personer"}:
        raise RegisterLoadError(['the file must be a JSON object with only the key "personer"'])
    if not isinstance(data["personer"], list):
        raise RegisterLoadError(['"personer" must be a list'])
    problems: list[str] = []
    entries = []
    context = {"allow_synthetic": allow_synthetic}
    for position, raw in enumerate(data["personer"]):
        found = []  # (where in the entry, problem)
        try:
            person = PersonIn.model_validate(raw, context=context)
        except ValidationError as exc:
            person = None
            found += [(error["loc"], _problem_text(error)) for error in exc.errors()]
        if isinstance(raw, dict):
            found += _more_problems(raw, allow_synthetic=allow_synthetic)
        found.sort(key=lambda item: _order(item[0]))
        problems += [f"personer[{position}]: {text}" for _, text in found]
        if person is not None and not found:
            entries.append(_entry(person))
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


def _field_name(loc: tuple) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".")


def _problem_text(error: dict) -> str:
    field = _field_name(error["loc"])
    if error["type"] == "register_file":
        return f"{field} {error['msg']}"
    text = _PROBLEM_TEXT.get(error["type"], "{field} is not valid")  # never pydantic's text
    return text.format(field=field, **error.get("ctx", {})).lstrip()


def _order(loc: tuple) -> tuple:
    """Problems in the order the format lists the fields, unknown keys first in each object."""
    key = []
    model = PersonIn
    for part in loc:
        fields = list(model.model_fields) if model is not None else []
        if isinstance(part, int):
            key.append((1, part, ""))
        elif part in fields:
            key.append((1, fields.index(part), ""))
        else:
            key.append((0, 0, str(part)))
        model = _NESTED.get(part) if model is PersonIn else None
    return tuple(key)


def _more_problems(raw: dict, *, allow_synthetic: bool) -> list[tuple[tuple, str]]:
    """What the shape cannot say: a parent who is the person themself or listed twice, a house
    letter that is no letter and an e-mail address that is none (besides any other problem of
    the same field)."""
    found = []
    parents = raw.get("foreldre")
    if isinstance(parents, list):
        for position, parent in enumerate(parents):
            where = ("foreldre", position)
            if not is_valid_fnr(parent, allow_synthetic=allow_synthetic):
                found.append(
                    (where, f"foreldre[{position}] is not a valid fødselsnummer or d-nummer")
                )
            elif parent == raw.get("foedselsnummer"):
                found.append((where, f"foreldre[{position}] is the person themself"))
            elif parents.index(parent) != position:
                found.append(
                    (where, f"foreldre[{position}] repeats foreldre[{parents.index(parent)}]")
                )
    address = raw.get("bostedsadresse")
    letter = address.get("husbokstav") if isinstance(address, dict) else None
    if isinstance(letter, str) and letter and not letter.isalpha():
        found.append(
            (("bostedsadresse", "husbokstav", 1), "bostedsadresse.husbokstav must be a letter")
        )
    krr = raw.get("krr")
    email = krr.get("epostadresse") if isinstance(krr, dict) else None
    if isinstance(email, str) and email and len(email) <= 254:
        try:
            EmailValidator()(email)
        except DjangoValidationError:
            found.append((("krr", "epostadresse", 1), "krr.epostadresse is not an e-mail address"))
    return found


def _entry(person: PersonIn) -> PersonEntry:
    address, krr = person.bostedsadresse, person.krr
    return PersonEntry(
        fnr=person.foedselsnummer,
        first_name=person.fornavn,
        middle_name=person.mellomnavn,
        last_name=person.etternavn,
        birth_date=person.foedselsdato,
        address=None
        if address is None
        else Address(
            street_name=address.adressenavn,
            house_number=address.husnummer,
            house_letter=address.husbokstav,
            unit_number=address.bruksenhetsnummer,
            postal_code=address.postnummer,
            municipality_number=address.kommunenummer,
        ),
        parents=tuple(person.foreldre or ()),
        contact=None
        if krr is None
        else ContactInfo(
            phone=krr.mobiltelefonnummer, email=krr.epostadresse, reserved=krr.reservert
        ),
    )
