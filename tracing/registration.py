"""What one registration of an index case is: its fields and their validation (C-7, I-5).

Every way in parses its input into these dataclasses and shows the errors of
`registration_errors`: the citizen's form (selfreg.forms), the back office's «Registrer indeks»
(tracing.forms), the integration API (api.schemas) and the population generator
(demo.population_tracing). The rules are one pure function: no ORM, no request, no clock but
the `today` it is given. Which fields a way in takes from the person typing, and which rules
only the citizen must meet, is said here by channel (`Channel`), not in the callers.
"""

import dataclasses
import datetime
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from registers.identity import is_valid_fnr
from tracing import registration_messages as messages
from tracing.models import InfectionPlace, RiskGroup
from tracing.registration_messages import Code

TEST_MAX_AGE_DAYS = 14
EARLIEST_DATE = datetime.date(1900, 1, 1)
# The choice that needs a description: "Annet" (other) says nothing without one.
INFECTION_PLACE_NEEDING_DESCRIPTION = InfectionPlace.OTHER


class Channel(StrEnum):
    """Who types a registration in. The citizen must answer every question of C-7 and may only
    register a test of the last 14 days; a tracer may leave what is not known unanswered
    («Ikke oppgitt») and register an older test, e.g. from a late laboratory report. An
    integration registers "as the portal does" and meets the 14-day limit too; generated
    load-test data is checked like a tracer's. A household contact is a person the citizen
    types in as one they live with: names and a phone number to reach them, no fødselsnummer
    (the citizen is not asked for other people's numbers)."""

    CITIZEN = "citizen"
    STAFF = "staff"
    API = "api"
    BULK = "bulk"
    HOUSEHOLD = "household"


@dataclass(frozen=True, kw_only=True)
class PersonDetails:
    """What lands on a person record (I-5)."""

    fnr: str
    first_name: str
    last_name: str
    middle_name: str = ""
    birth_date: datetime.date | None = None
    street_address: str = ""
    postal_code: str = ""
    post_town: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True, kw_only=True)
class Answers:
    """What lands on the index (C-7, I-5); empty or None where nothing was given."""

    workplace_or_school: str = ""
    test_date_from: datetime.date | None = None
    test_date_to: datetime.date | None = None
    no_symptoms: bool = False
    symptom_onset_from: datetime.date | None = None
    symptom_onset_to: datetime.date | None = None
    infection_place: str = ""
    infection_place_description: str = ""
    risk_group: str = ""


@dataclass(frozen=True, kw_only=True)
class Registration(PersonDetails, Answers):
    """One registration of an index case: the person (I-5) and the answers (C-7)."""


PERSON_FIELDS = tuple(f.name for f in dataclasses.fields(PersonDetails))
ANSWER_FIELDS = tuple(f.name for f in dataclasses.fields(Answers))


@dataclass(frozen=True)
class Text:
    max_length: int
    multiline: bool = False  # a textarea: line breaks and tabs are allowed


TEXT_FIELDS: dict[str, Text] = {
    "first_name": Text(100),
    "middle_name": Text(100),
    "last_name": Text(100),
    "street_address": Text(200),
    "post_town": Text(100),
    "phone": Text(20),
    "email": Text(254),
    "workplace_or_school": Text(200),
    "infection_place_description": Text(500, multiline=True),
}
DATE_FIELDS = (
    "birth_date",
    "test_date_from",
    "test_date_to",
    "symptom_onset_from",
    "symptom_onset_to",
)
CHOICES: dict[str, tuple[str, ...]] = {
    "infection_place": tuple(InfectionPlace.values),
    "risk_group": tuple(RiskGroup.values),
}
# What each way in takes from the person typing. The rest of a registration comes from the
# registers (Folkeregisteret, KRR) and from the login; `registration_errors` checks only these.
CHANNEL_INPUT: dict[Channel, tuple[str, ...]] = {
    Channel.CITIZEN: ("phone", "email", *ANSWER_FIELDS),
    Channel.STAFF: ("fnr", "phone", "email", *ANSWER_FIELDS),
    Channel.API: (*PERSON_FIELDS, *ANSWER_FIELDS),
    Channel.BULK: (*PERSON_FIELDS, *ANSWER_FIELDS),
    Channel.HOUSEHOLD: ("first_name", "last_name", "phone", "birth_date"),
}
# What each way in must be given (C-7 for the citizen; a person's number and names elsewhere).
CHANNEL_REQUIRED: dict[Channel, frozenset[str]] = {
    Channel.CITIZEN: frozenset({"test_date_from", "infection_place", "risk_group"}),
    Channel.STAFF: frozenset({"fnr", "test_date_from"}),
    Channel.API: frozenset({"fnr", "first_name", "last_name", "test_date_from"}),
    Channel.BULK: frozenset({"fnr", "first_name", "last_name", "test_date_from"}),
    Channel.HOUSEHOLD: frozenset({"first_name", "last_name", "phone"}),
}
# The people a citizen may list as household close contacts in one registration, typed and
# ticked together: a household, not an address book.
HOUSEHOLD_MAX = 20
TEST_AGE_LIMITED = frozenset({Channel.CITIZEN, Channel.API})
PHONE_RE = re.compile(r"^\+?[0-9]{8,15}$")
POSTAL_CODE_RE = re.compile(r"^[0-9]{4}$")
_PHONE_SEPARATORS = re.compile(r"[\s-]")
# Bidirectional overrides and isolates can make a name read differently than it is stored.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_ZERO_WIDTH_JOINERS = frozenset("\u200c\u200d")  # needed in emoji and some scripts' text
_MULTILINE_ALLOWED = frozenset("\n\r\t")


@dataclass(frozen=True)
class FieldError:
    field: str
    code: Code
    message: str


def registration_clean(values: Mapping[str, object]) -> dict[str, object]:
    """`values` (field name to parsed value) as they are stored: texts without surrounding
    white space, a phone number without spaces and dashes."""
    cleaned = {name: v.strip() if isinstance(v, str) else v for name, v in values.items()}
    if isinstance(cleaned.get("phone"), str):
        cleaned["phone"] = _PHONE_SEPARATORS.sub("", cleaned["phone"])
    return cleaned


def values_of(value: PersonDetails | Answers) -> dict[str, object]:
    """A registration's dataclass as the field-to-value mapping the rules take."""
    return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}


def _bad_character(text: str, *, multiline: bool) -> bool:
    """NUL and other control characters, bidirectional controls, and (outside free text)
    zero-width and other invisible format characters: none of them belong in a name, and NUL
    cannot be stored in PostgreSQL at all."""
    for char in text:
        if char in _BIDI_CONTROLS:
            return True
        if multiline and (char in _MULTILINE_ALLOWED or char in _ZERO_WIDTH_JOINERS):
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            return True
    return False


def _field_error(
    values: Mapping[str, object], field: str, channel: Channel, today: datetime.date
) -> FieldError | None:
    """The first rule of one field on its own that its value breaks."""
    raw = values[field]
    if raw in ("", None):
        if field in CHANNEL_REQUIRED[channel]:
            return FieldError(field, Code.REQUIRED, messages.required(field))
        return None
    if field in TEXT_FIELDS:
        rule = TEXT_FIELDS[field]
        if _bad_character(raw, multiline=rule.multiline):
            return FieldError(field, Code.INVALID_CHARACTER, messages.invalid_character())
        if len(raw) > rule.max_length:
            return FieldError(field, Code.TOO_LONG, messages.too_long(rule.max_length, len(raw)))
    if field in DATE_FIELDS:
        if raw < EARLIEST_DATE:
            return FieldError(field, Code.DATE_TOO_EARLY, messages.date_too_early(EARLIEST_DATE))
        if raw > today:
            return FieldError(field, Code.FUTURE, messages.future(today))
    if field in CHOICES and raw not in CHOICES[field]:
        return FieldError(field, Code.INVALID_CHOICE, messages.invalid_choice(field))
    return _format_error(field, raw)


def _format_error(field: str, raw) -> FieldError | None:
    if field == "fnr" and not is_valid_fnr(raw):
        return FieldError(field, Code.INVALID_FNR, messages.invalid_fnr())
    if field == "phone" and not PHONE_RE.match(raw):
        return FieldError(field, Code.INVALID_PHONE, messages.invalid_phone())
    if field == "postal_code" and not POSTAL_CODE_RE.match(raw):
        return FieldError(field, Code.INVALID_POSTAL_CODE, messages.invalid_postal_code())
    if field == "email":
        try:
            validate_email(raw)
        except ValidationError:
            return FieldError(field, Code.INVALID_EMAIL, messages.invalid_email())
    return None


def _test_age_error(answers: Mapping, today: datetime.date) -> list[FieldError]:
    oldest = today - datetime.timedelta(days=TEST_MAX_AGE_DAYS)
    test_date = answers.get("test_date_from")
    if test_date is not None and test_date < oldest:
        message = messages.test_too_old(TEST_MAX_AGE_DAYS, oldest)
        return [FieldError("test_date_from", Code.TEST_TOO_OLD, message)]
    return []


def _period_errors(start_field: str, end_field: str, answers: Mapping) -> list[FieldError]:
    start, end = answers.get(start_field), answers.get(end_field)
    if end is None:
        return []
    if start is None:
        return [FieldError(start_field, Code.END_WITHOUT_START, messages.end_without_start())]
    if end < start:
        return [FieldError(end_field, Code.END_BEFORE_START, messages.end_before_start(start))]
    return []


def _symptom_errors(answers: Mapping, channel: Channel) -> list[FieldError]:
    has_date = (
        answers.get("symptom_onset_from") is not None or answers.get("symptom_onset_to") is not None
    )
    no_symptoms = bool(answers.get("no_symptoms"))
    if no_symptoms and has_date:
        code, message = Code.SYMPTOMS_AND_NONE, messages.symptoms_and_none()
        return [FieldError("symptom_onset_from", code, message)]
    if channel is Channel.CITIZEN and not no_symptoms and not has_date:
        code, message = Code.SYMPTOMS_MISSING, messages.symptoms_missing()
        return [FieldError("symptom_onset_from", code, message)]
    return []


def _description_errors(answers: Mapping, channel: Channel) -> list[FieldError]:
    if (
        channel is Channel.CITIZEN
        and answers.get("infection_place") == INFECTION_PLACE_NEEDING_DESCRIPTION
        and not answers.get("infection_place_description")
    ):
        code, message = Code.DESCRIPTION_REQUIRED, messages.description_required()
        return [FieldError("infection_place_description", code, message)]
    return []


def registration_errors(
    values: Mapping[str, object] | PersonDetails | Answers,
    *,
    today: datetime.date,
    channel: Channel,
    already: frozenset[str] = frozenset(),
) -> list[FieldError]:
    """Every rule the fields `channel` takes break, each tied to the field it is shown next to
    (C-7). `values` maps field names to parsed values (dates as dates), or is one of the
    dataclasses above; it is judged as `registration_clean` gives it. A field the channel
    takes but `values` lacks is not judged (the form for a child has no phone).

    Each field on its own: required by the channel; no control or invisible characters; not
    longer than its column; a date from 1900 up to today; a known choice; a well-formed
    number, phone number, postal code or e-mail. Then the answers together: the test taken in
    the last 14 days (citizen and API, counted from the first date of a period); a period's end
    not before its start, nor without a start; a symptom date or "Ingen symptomer", not both
    (the citizen must give one); a description for "Annet" (citizen). Symptom onset after the
    test is allowed, up to today. One message per field, the first rule in this order that it
    breaks; `already` names fields that have an error of their own (e.g. a date that could not
    be read).
    """
    if not isinstance(values, Mapping):
        values = values_of(values)
    values = registration_clean(values)
    taken = [f for f in CHANNEL_INPUT[channel] if f in values]
    candidates = [e for f in taken if (e := _field_error(values, f, channel, today)) is not None]
    if "test_date_from" in values:
        if channel in TEST_AGE_LIMITED:
            candidates += _test_age_error(values, today)
        candidates += [
            *_period_errors("test_date_from", "test_date_to", values),
            *_symptom_errors(values, channel),
            *_period_errors("symptom_onset_from", "symptom_onset_to", values),
            *_description_errors(values, channel),
        ]
    seen = set(already)
    errors = []
    for error in candidates:
        if error.field not in seen:
            seen.add(error.field)
            errors.append(error)
    order = {field: position for position, field in enumerate(taken)}
    return sorted(errors, key=lambda e: order.get(e.field, len(order)))
