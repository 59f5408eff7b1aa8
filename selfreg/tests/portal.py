"""Helpers shared by the portal's view tests: URLs and walking the first steps."""

import datetime
import re

from django.utils import timezone

from municipalities.services import municipality_set_status

START = "/innlogget/smitte-selvregistrering/hjemmetest"
WHO = f"{START}/hvem"
FORM = f"{START}/skjema"
RECEIPT = f"{START}/kvittering"


def who_url(number: str = "0301") -> str:
    return f"{WHO}?kommunenummer={number}"


def form_url(number: str = "0301") -> str:
    """Where choosing the person leads: the form names the municipality in its address."""
    return f"{FORM}?kommunenummer={number}"


def selfreg_on(number: str = "0301") -> None:
    municipality_set_status(number=number, is_customer=True, selfreg_enabled=True, source="test")


def radio_values(html: str, name: str, *, input_type: str = "radio") -> dict[str, str]:
    """label text -> value of each radio button (or checkbox) named `name`."""
    values = {}
    for match in re.finditer(
        rf'<input type="{input_type}" name="{name}" value="([^"]*)"[^>]*id="([^"]+)"[^>]*>', html
    ):
        value, input_id = match.groups()
        label = re.search(rf'<label[^>]*for="{input_id}">([^<]*)</label>', html)
        values[label.group(1).strip()] = value
    return values


def choose(client, *, who: str = "Meg selv", number: str = "0301"):
    """Walk "Velg kommune" and "who" for the person labelled `who`; returns the who POST."""
    response = client.get(who_url(number))
    value = radio_values(response.content.decode(), "hvem")[who]
    return client.post(who_url(number), {"hvem": value})


def today() -> datetime.date:
    return timezone.localdate()


def valid_form(**changes) -> dict:
    data = {
        "phone": "+4791234567",
        "email": "kari@example.no",
        "workplace_or_school": "Storgata skole",
        "test_date_from": (today() - datetime.timedelta(days=1)).isoformat(),
        "test_date_to": "",
        "symptom_onset_from": (today() - datetime.timedelta(days=2)).isoformat(),
        "symptom_onset_to": "",
        "infection_place": "household",
        "infection_place_description": "",
        "risk_group": "no",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def input_value(html: str, name: str) -> str | None:
    """The value of the <input> named `name`; None when there is no such input."""
    tag = re.search(rf'<input [^>]*name="{name}"[^>]*>', html)
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return value.group(1) if value else ""


def days_ago(n: int) -> str:
    return (today() - datetime.timedelta(days=n)).isoformat()
