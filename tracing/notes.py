"""The texts of the two self-registration notes (I-4).

The notes are data, not interface: tracers search for these exact bokmål texts, so they are
written in bokmål whatever language the citizen used (the choice labels included).
"""

import datetime

from django.conf import settings
from django.utils import translation

from core.localtime import local_timestamp
from tracing.models import InfectionPlace, RiskGroup

DONE_TITLE = "Utført selvregistrering"
INFO_TITLE = "Informasjon registrert i selvregistreringsskjema"
CHILD_ANSWERS = "Svarene gjelder barnet og er gitt av foresatt."


def _date(value: datetime.date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _period(start: datetime.date | None, end: datetime.date | None) -> str:
    if start and end and end != start:
        return f"{_date(start)}–{_date(end)}"
    return _date(start)


def done_text(moment: datetime.datetime) -> str:
    return f"Utført selvregistrering {local_timestamp(moment)}"


def info_text(*, registration, moment: datetime.datetime, by_guardian: bool) -> str:
    """What was registered, and who registered it (I-4 item 2, I-5)."""
    with translation.override(settings.LANGUAGE_CODE):
        return _info_text(registration=registration, moment=moment, by_guardian=by_guardian)


def _info_text(*, registration, moment: datetime.datetime, by_guardian: bool) -> str:
    who = "vha selvregistrering av barn fra foresatt" if by_guardian else "vha selvregistrering"
    symptoms = (
        "Ingen symptomer"
        if registration.no_symptoms
        else _period(registration.symptom_onset_from, registration.symptom_onset_to)
    )
    place = (
        str(InfectionPlace(registration.infection_place).label)
        if registration.infection_place
        else ""
    )
    if registration.infection_place_description:
        place = f"{place}: {registration.infection_place_description}"
    lines = [
        f"Informasjon oppdatert {who} den {local_timestamp(moment)}",
        # I-4's first line stays as the spec writes it, and the answers keep the form's labels
        # («Hvor ble du smittet»); this line says that they are about the child.
        *([CHILD_ANSWERS] if by_guardian else []),
        f"Arbeidssted eller skole: {registration.workplace_or_school}",
        f"Dato for test: {_period(registration.test_date_from, registration.test_date_to)}",
        f"Symptomstart: {symptoms}",
        f"Hvor ble du smittet: {place}",
        f"Risikogruppe: {RiskGroup(registration.risk_group).label if registration.risk_group else ''}",
    ]
    if not by_guardian:
        lines += [f"Telefonnummer: {registration.phone}", f"E-post: {registration.email}"]
    return "\n".join(lines)


def close_contact_title(person) -> str:
    """The title of a note about a close contact, on the contact's index: names the contact,
    so that the index's notes read as one story."""
    return f"Nærkontakt {person.last_name}, {person.first_name}"
