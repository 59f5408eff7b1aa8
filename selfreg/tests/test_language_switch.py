"""The language switch on the citizen's form pages never loses what was typed: its buttons
send the page's form along (`form=`, `_language_switch`), and the same step comes back in the
new language with every answer as typed, nothing checked and nothing registered."""

import re

import pytest

from selfreg.tests.portal import (
    FORM,
    RECEIPT,
    START,
    choose,
    input_value,
    radio_values,
    valid_form,
    who_url,
)
from tests.factories import synthetic_child_of, years_ago
from tracing.models import Index, Note

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]


def _switch(client, url: str, code: str, data: dict):
    separator = "&" if "?" in url else "?"
    return client.post(f"{url}{separator}lang={code}", data | {"_language_switch": code})


def _selected(html: str, name: str) -> list[str]:
    select = re.search(rf'<select [^>]*name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def _checked_radio(html: str, name: str) -> list[str]:
    return re.findall(rf'<input type="radio" name="{name}" value="([^"]*)"[^>]*checked', html)


@pytest.mark.parametrize(
    ("url", "form_id"),
    [(START, "selfreg-start"), (who_url(), "selfreg-who"), (FORM, "selfreg-form")],
)
def test_the_switch_on_a_form_page_sends_that_form(citizen_client, parent, url, form_id):
    client = citizen_client(parent.fnr)
    if url == FORM:
        choose(client)
    html = client.get(url).content.decode()
    assert f'<form method="post" id="{form_id}"' in html
    for code in ("nb", "nn", "en"):
        assert re.search(
            rf'<button type="submit" form="{form_id}" formaction="\?[^"]*lang={code}" '
            rf'formnovalidate name="_language_switch" value="{code}" lang="{code}"',
            html,
        )


@pytest.mark.parametrize("code", ["nn", "en"])
def test_switching_on_the_form_keeps_every_answer_and_registers_nothing(
    citizen_client, parent, code
):
    client = citizen_client(parent.fnr)
    choose(client)
    typed = valid_form(
        phone="+47 400 00 000",
        email="ny@example.no",
        workplace_or_school="Bussen AS",
        test_date_from="2021-01-01",  # too old: would be refused if it were checked
        test_date_to="not a date",
        symptom_onset_from="",
        no_symptoms="on",
        infection_place="other",
        infection_place_description="",  # required with «Annet»: not checked either
        risk_group="unknown",
    )
    response = _switch(client, FORM, code, typed)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{code}"' in html
    for name in ("phone", "email", "workplace_or_school", "test_date_from", "test_date_to"):
        assert input_value(html, name) == typed[name], name
    assert re.search(r'<input type="checkbox" name="no_symptoms"[^>]*checked', html)
    assert _selected(html, "infection_place") == ["other"]
    assert _checked_radio(html, "risk_group") == ["unknown"]
    assert 'aria-invalid="true"' not in html
    assert not Index.objects.exists() and not Note.objects.exists()
    # The language stays for the next requests, and the form still registers as usual.
    registered = client.post(FORM, valid_form())
    assert registered.url == RECEIPT
    assert f'<html lang="{code}"' in client.get(RECEIPT).content.decode()
    assert Index.objects.count() == 1


def test_switching_on_who_keeps_the_choice_and_goes_no_further(citizen_client, parent):
    synthetic_child_of(parent, first_name="Ola", birth_date=years_ago(8))
    client = citizen_client(parent.fnr)
    choices = radio_values(client.get(who_url()).content.decode(), "hvem")
    child = choices["Ola Nordmann"]
    response = _switch(client, who_url(), "nn", {"hvem": child})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nn"' in html
    assert _checked_radio(html, "hvem") == [child]
    assert "Meg sjølv" in html
    assert 'aria-invalid="true"' not in html
    # The flow has not begun: the form is not reachable yet.
    assert client.get(FORM).status_code == 302


def test_switching_on_start_keeps_the_municipality_chosen(citizen_client, parent):
    client = citizen_client(parent.fnr)
    response = _switch(client, f"{START}?kommunenummer=0301", "en", {"kommunenummer": "4601"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert _selected(html, "kommunenummer") == ["4601"]
    assert "Choose municipality" in html


def test_switching_with_nothing_chosen_shows_no_error(citizen_client, parent):
    client = citizen_client(parent.fnr)
    response = _switch(client, START, "en", {"kommunenummer": ""})
    assert response.status_code == 200
    assert 'aria-invalid="true"' not in response.content.decode()
