"""The messages of the registration rules (tracing.registration), one per message id.

The id (`Code`) is what tests and the API's error entries (`type`) compare; the message is what
a person reads next to the field, the same whichever way the registration came in.
"""

import datetime
from enum import StrEnum

from django.utils.translation import gettext as _


class Code(StrEnum):
    REQUIRED = "required"
    INVALID_DATE = "invalid_date"
    DATE_TOO_EARLY = "date_too_early"
    FUTURE = "future"
    TEST_TOO_OLD = "test_too_old"
    END_WITHOUT_START = "end_without_start"
    END_BEFORE_START = "end_before_start"
    SYMPTOMS_AND_NONE = "symptoms_and_none"
    SYMPTOMS_MISSING = "symptoms_missing"
    DESCRIPTION_REQUIRED = "description_required"
    INVALID_CHOICE = "invalid_choice"
    INVALID_CHARACTER = "invalid_character"
    TOO_LONG = "too_long"
    INVALID_FNR = "invalid_fnr"
    INVALID_PHONE = "invalid_phone"
    INVALID_POSTAL_CODE = "invalid_postal_code"
    INVALID_EMAIL = "invalid_email"
    TOO_MANY = "too_many"


def _d(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def required(field: str) -> str:
    match field:
        case "test_date_from":
            return _("Fyll inn dato for test.")
        case "infection_place":
            return _("Velg hvor du tror smitten skjedde.")
        case "risk_group":
            return _("Svar «Ja», «Nei» eller «Vet ikke».")
        case "fnr":
            return _("Fyll inn fødselsnummeret.")
        case "first_name":
            return _("Fyll inn fornavn.")
        case "last_name":
            return _("Fyll inn etternavn.")
        case "phone":
            return _("Fyll inn telefonnummer.")
    return _("Fyll inn feltet.")


def invalid_date() -> str:
    return _("Skriv datoen som dd.mm.åååå.")


def date_too_early(earliest: datetime.date) -> str:
    return _("Sjekk årstallet: datoen kan ikke være før %(earliest)s.") % {"earliest": _d(earliest)}


def future(today: datetime.date) -> str:
    return _("Datoen kan ikke være etter i dag (%(today)s).") % {"today": _d(today)}


def test_too_old(days: int, oldest: datetime.date) -> str:
    return _(
        "Testen er tatt for mer enn %(days)s dager siden. Du kan bare registrere en test "
        "tatt %(oldest)s eller senere. Ta kontakt med kommunen din hvis du har spørsmål."
    ) % {"days": days, "oldest": _d(oldest)}


def end_without_start() -> str:
    return _("Fyll inn første dato når du har fylt inn «til».")


def end_before_start(start: datetime.date) -> str:
    return _("«Til»-datoen kan ikke være før den første datoen (%(start)s).") % {"start": _d(start)}


def symptoms_and_none() -> str:
    return _("Fyll inn dato for symptomstart, eller kryss av for «Ingen symptomer», ikke begge.")


def symptoms_missing() -> str:
    return _("Fyll inn dato for symptomstart, eller kryss av for «Ingen symptomer».")


def description_required() -> str:
    return _("Beskriv hvor smitten skjedde når du har valgt «Annet».")


def invalid_choice(field: str) -> str:
    if field == "risk_group":
        return _("Svar «Ja», «Nei» eller «Vet ikke».")
    return _("Velg et av alternativene i listen.")


def invalid_character() -> str:
    return _(
        "Teksten inneholder et kontrolltegn eller usynlig tegn som ikke kan brukes. "
        "Skriv den på nytt uten det."
    )


def too_long(max_length: int, length: int) -> str:
    return _("Teksten kan ha høyst %(max)s tegn. Nå har den %(length)s.") % {
        "max": max_length,
        "length": length,
    }


def invalid_fnr() -> str:
    return _("Ugyldig fødselsnummer. Det skal være 11 siffer med gyldige kontrollsiffer.")


def invalid_phone() -> str:
    return _("Skriv et telefonnummer med 8 til 15 sifre, gjerne med landskode (+47).")


def invalid_postal_code() -> str:
    return _("Skriv postnummeret med fire sifre.")


def invalid_email() -> str:
    return _("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")


def household_too_many(maximum: int) -> str:
    return _("Du kan registrere høyst %(max)s nærkontakter.") % {"max": maximum}
