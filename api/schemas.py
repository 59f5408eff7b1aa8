"""What the integration API takes and answers (JSON; documented in /api/v1/openapi.json).

Input is checked here, before any service runs, so bad input answers 422 with a message per
field and never reaches the database. A registration is judged by its one definition
(tracing.registration), as on the citizen's and the back office's forms.
"""

import contextlib
import datetime
import uuid
from typing import Annotated

from django.conf import settings
from django.utils.translation import gettext
from ninja import Schema
from ninja.errors import ValidationError
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    create_model,
    field_validator,
)

from registers.identity import InvalidFnr, fnr_birth_date
from tracing.models import CloseContact, Index, InfectionPlace, Note, Person, RiskGroup
from tracing.registration import (
    CHANNEL_INPUT,
    CHANNEL_REQUIRED,
    CHOICES,
    TEXT_FIELDS,
    Channel,
    Registration,
    registration_clean,
    registration_errors,
)


def _no_nul(value: str) -> str:
    """PostgreSQL text cannot hold a NUL character: refuse it here with 422, as Django's form
    fields do, instead of failing in the database with a 500 (found by S8)."""
    if "\x00" in value:
        raise ValueError(gettext("Teksten kan ikke inneholde NUL-tegn (\\x00)."))
    return value


NoNul = AfterValidator(_no_nul)
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoNul]
NoteText = Annotated[str, StringConstraints(min_length=1, max_length=10_000), NoNul]


# --- answers ---------------------------------------------------------------------------------


class PersonOut(Schema):
    id: int
    fnr: str
    first_name: str
    middle_name: str
    last_name: str
    birth_date: datetime.date | None
    street_address: str
    postal_code: str
    post_town: str
    phone: str
    email: str
    municipality_number: str
    possible_duplicate: bool = Field(
        description="D-1c/D-2d: the person also has records in another municipality"
    )

    @staticmethod
    def resolve_municipality_number(obj: Person) -> str:
        return obj.municipality_id


class PersonBriefOut(Schema):
    id: int
    fnr: str
    first_name: str
    middle_name: str
    last_name: str


class NoteOut(Schema):
    id: int
    title: str
    text: str
    created_at: datetime.datetime
    author: str

    @staticmethod
    def resolve_author(obj: Note) -> str:
        return obj.author_label


class IndexSummaryOut(Schema):
    id: int
    status: Index.Status
    municipality_number: str
    opened_at: datetime.datetime
    closed_at: datetime.datetime | None
    follow_up_on: datetime.date
    self_registered: bool
    test_date_from: datetime.date | None
    test_date_to: datetime.date | None
    duplicate_rule: str = Field(description="The duplicate rule that decided (spec section 5)")
    person: PersonBriefOut

    @staticmethod
    def resolve_municipality_number(obj: Index) -> str:
        return obj.municipality_id


class IndexOut(IndexSummaryOut):
    person: PersonOut
    workplace_or_school: str
    no_symptoms: bool
    symptom_onset_from: datetime.date | None
    symptom_onset_to: datetime.date | None
    infection_place: str
    infection_place_description: str
    risk_group: str
    registered_by: str = Field(description="self, guardian, staff or api")
    notes: list[NoteOut] = Field(description="Newest first")

    @staticmethod
    def resolve_registered_by(obj: Index) -> str:
        return obj.registered_by_kind

    @staticmethod
    def resolve_notes(obj: Index) -> list[Note]:
        return list(obj.notes.order_by("-created_at", "-id"))


class IndexPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[IndexSummaryOut]


class CloseContactOut(Schema):
    id: int
    index_id: int
    municipality_number: str
    registered_at: datetime.datetime
    last_contact_on: datetime.date | None
    person: PersonOut

    @staticmethod
    def resolve_municipality_number(obj: CloseContact) -> str:
        return obj.municipality_id


class RegistrationOut(Schema):
    rule: str = Field(description="The duplicate rule that decided, e.g. D-0 or D-1b")
    repeated_submission: bool = Field(
        description="The same submission_id was sent before: this is the first answer again"
    )
    message: str
    index: IndexOut


class ErrorOut(Schema):
    detail: str


class AlreadyRegisteredOut(Schema):
    detail: str
    code: str = Field(description="allerede_registrert")
    rule: str = Field(description="C-5, D-1a, D-2a or D-3")


# --- input -----------------------------------------------------------------------------------


# The registration's fields are the one definition's (tracing.registration): here only their
# JSON types and what the OpenAPI document says of them. Length, characters, dates and the
# rules of C-7 are judged by `registration_errors` (channel API), so a bad value answers 422
# with the same message id (`type`) as on the pages.
_DESCRIPTIONS = {
    "fnr": "Fødselsnummer or d-nummer, 11 digits",
    "birth_date": "Read from the fødselsnummer when not given",
    "postal_code": "Four digits",
    "phone": "8 to 15 digits, optionally with +; spaces and dashes are removed",
}
_ANSWER_TYPES = {
    "test_date_from": datetime.date | None,
    "test_date_to": datetime.date | None,
    "symptom_onset_from": datetime.date | None,
    "symptom_onset_to": datetime.date | None,
    "birth_date": datetime.date | None,
    "no_symptoms": bool,
    "infection_place": InfectionPlace | None,
    "risk_group": RiskGroup | None,
}


def _input_field(name: str):
    kind = _ANSWER_TYPES.get(name, str)
    extra = {}
    if name in TEXT_FIELDS:
        extra["maxLength"] = TEXT_FIELDS[name].max_length
    default = False if kind is bool else (None if kind is not str else "")
    return kind, Field(default, description=_DESCRIPTIONS.get(name), json_schema_extra=extra)


def _mark_required(schema: dict) -> None:
    schema["required"] = sorted(CHANNEL_REQUIRED[Channel.API])


class _IndexCreateBase(Schema):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_mark_required)

    submission_id: uuid.UUID | None = Field(
        None, description="Send the same id again to retry safely: it registers once (C-8)"
    )

    def registration(self, *, today: datetime.date) -> Registration:
        """The registration, judged by the one definition; raises ninja's ValidationError
        (422, one entry per field, `type` the message id) for what it refuses."""
        values = {
            name: getattr(self, name).value
            if isinstance(getattr(self, name), InfectionPlace | RiskGroup)
            else getattr(self, name)
            for name in CHANNEL_INPUT[Channel.API]
        }
        values = {name: "" if value is None and name in CHOICES else value
                  for name, value in values.items()}  # fmt: skip
        errors = registration_errors(values, today=today, channel=Channel.API)
        if errors:
            raise ValidationError(
                [
                    {"type": str(e.code), "loc": ["body", "payload", e.field], "msg": e.message}
                    for e in errors
                ]
            )
        values = registration_clean(values)
        if values["birth_date"] is None:
            with contextlib.suppress(InvalidFnr):
                values["birth_date"] = fnr_birth_date(
                    values["fnr"], allow_synthetic=settings.ALLOW_SYNTHETIC_FNR
                )
        return Registration(**values)


IndexCreateIn = create_model(
    "IndexCreateIn",
    __base__=_IndexCreateBase,
    __doc__="An index case to register in the token's municipality, under the duplicate rules.",
    **{name: _input_field(name) for name in CHANNEL_INPUT[Channel.API]},
)


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text200 = ""
    text: NoteText

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(gettext("Notatet er tomt."))
        return value
