"""What the integration API takes and answers (JSON; documented in /api/v1/openapi.json).

Input is checked here, before any service runs, so bad input answers 422 with a message per
field and never reaches the database. The checks match the back office's form for registering
an index by hand (tracing.forms.IndexRegisterForm).
"""

import datetime
import uuid
from typing import Annotated

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.utils import timezone
from ninja import Schema
from pydantic import (
    AfterValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from registers.identity import InvalidFnr, fnr_birth_date, is_valid_fnr
from tracing.models import CloseContact, Index, InfectionPlace, Note, Person, RiskGroup
from tracing.services import Registration


def _no_nul(value: str) -> str:
    """PostgreSQL text cannot hold a NUL character: refuse it here with 422, as Django's form
    fields do, instead of failing in the database with a 500 (found by S8)."""
    if "\x00" in value:
        raise ValueError("Teksten kan ikke inneholde NUL-tegn (\\x00).")
    return value


NoNul = AfterValidator(_no_nul)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100), NoNul]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), NoNul]
Text254 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254), NoNul]
Text500 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500), NoNul]
PostalCode = Annotated[str, StringConstraints(pattern=r"^(\d{4})?$")]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9 ]{0,19}$")]
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


class IndexCreateIn(Schema):
    """An index case to register in the token's municipality, under the duplicate rules."""

    model_config = ConfigDict(extra="forbid")

    fnr: str = Field(description="Fødselsnummer or d-nummer, 11 digits")
    first_name: Name
    middle_name: Text100 = ""
    last_name: Name
    birth_date: datetime.date | None = Field(
        None, description="Read from the fødselsnummer when not given"
    )
    street_address: Text200 = ""
    postal_code: PostalCode = ""
    post_town: Text100 = ""
    phone: Phone = ""
    email: Text254 = ""
    workplace_or_school: Text200 = ""
    test_date_from: datetime.date
    test_date_to: datetime.date | None = None
    no_symptoms: bool = False
    symptom_onset_from: datetime.date | None = None
    symptom_onset_to: datetime.date | None = None
    infection_place: InfectionPlace | None = None
    infection_place_description: Text500 = ""
    risk_group: RiskGroup | None = None
    submission_id: uuid.UUID | None = Field(
        None, description="Send the same id again to retry safely: it registers once (C-8)"
    )

    @field_validator("fnr")
    @classmethod
    def _fnr_valid(cls, value: str) -> str:
        value = value.strip()
        if not is_valid_fnr(value):
            raise ValueError("Ugyldig fødselsnummer: 11 siffer med gyldige kontrollsiffer.")
        return value

    @field_validator("email")
    @classmethod
    def _email_valid(cls, value: str) -> str:
        if value:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise ValueError("Ugyldig e-postadresse.") from exc
        return value

    @field_validator("test_date_from", "test_date_to", "symptom_onset_from", "symptom_onset_to")
    @classmethod
    def _not_in_future(cls, value: datetime.date | None) -> datetime.date | None:
        if value and value > timezone.localdate():
            raise ValueError("Datoen kan ikke være fram i tid.")
        return value

    @model_validator(mode="after")
    def _periods(self) -> "IndexCreateIn":
        if self.test_date_to and self.test_date_to < self.test_date_from:
            raise ValueError("test_date_to kan ikke være før test_date_from.")
        if (
            self.symptom_onset_from
            and self.symptom_onset_to
            and self.symptom_onset_to < self.symptom_onset_from
        ):
            raise ValueError("symptom_onset_to kan ikke være før symptom_onset_from.")
        if self.symptom_onset_to and not self.symptom_onset_from:
            raise ValueError("symptom_onset_to krever symptom_onset_from.")
        if self.no_symptoms and self.symptom_onset_from:
            raise ValueError("Oppgi enten symptom_onset_from eller no_symptoms, ikke begge.")
        return self

    def registration(self) -> Registration:
        birth_date = self.birth_date
        if birth_date is None:
            try:
                birth_date = fnr_birth_date(self.fnr, allow_synthetic=settings.ALLOW_SYNTHETIC_FNR)
            except InvalidFnr:
                birth_date = None
        return Registration(
            fnr=self.fnr,
            first_name=self.first_name,
            middle_name=self.middle_name,
            last_name=self.last_name,
            birth_date=birth_date,
            street_address=self.street_address,
            postal_code=self.postal_code,
            post_town=self.post_town,
            phone=self.phone,
            email=self.email,
            workplace_or_school=self.workplace_or_school,
            test_date_from=self.test_date_from,
            test_date_to=self.test_date_to,
            no_symptoms=self.no_symptoms,
            symptom_onset_from=self.symptom_onset_from,
            symptom_onset_to=self.symptom_onset_to,
            infection_place=self.infection_place.value if self.infection_place else "",
            infection_place_description=self.infection_place_description,
            risk_group=self.risk_group.value if self.risk_group else "",
        )


class NoteIn(Schema):
    model_config = ConfigDict(extra="forbid")

    title: Text200 = ""
    text: NoteText

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("Notatet er tomt.")
        return value
