"""What the registers answer, as our own frozen dataclasses: never raw JSON (STYLE.md)."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Address:
    """A residential address (bostedsadresse). Equality is C-4's 'same address' (O-2)."""

    street_name: str
    house_number: str
    house_letter: str
    unit_number: str
    postal_code: str
    municipality_number: str

    @property
    def street_line(self) -> str:
        return f"{self.street_name} {self.house_number}{self.house_letter}".strip()


@dataclass(frozen=True)
class RegisterPerson:
    """A person as Folkeregisteret knows them."""

    fnr: str
    first_name: str
    middle_name: str
    last_name: str
    birth_date: datetime.date
    address: Address | None

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.first_name, self.middle_name, self.last_name) if part
        )


@dataclass(frozen=True)
class ContactInfo:
    """A person's entry in Kontakt- og reservasjonsregisteret (KRR)."""

    phone: str
    email: str
    reserved: bool


class RegisterError(Exception):
    """A register could not answer; the citizen is asked to try again later."""


class RegisterUnavailable(RegisterError):
    """Connection refused, DNS failure or a 5xx answer."""


class RegisterTimeout(RegisterError):
    """No answer within REGISTER_TIMEOUT_SECONDS."""


class RegisterInvalidResponse(RegisterError):
    """An answer we cannot read: not JSON, or missing what the API promises."""


class MaskinportenError(RegisterError):
    """No access token from Maskinporten, so no register call could be made."""


class MaskinportenUnavailable(MaskinportenError, RegisterUnavailable):
    """Maskinporten could not be reached, did not answer in time, or answered 5xx."""


class MaskinportenRefused(MaskinportenError):
    """Maskinporten refused the grant (invalid_grant, invalid_client, invalid_scope...).

    `error` is the OAuth error code, or "other": safe to log. Retrying will not help; the
    client registration, key or scopes need attention.
    """

    def __init__(self, message: str, *, error: str):
        super().__init__(message)
        self.error = error


class MaskinportenInvalidResponse(MaskinportenError, RegisterInvalidResponse):
    """Maskinporten answered, but not with an access token we can use."""
