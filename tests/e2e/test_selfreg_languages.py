"""The citizen journey in nynorsk and in English on a phone (375×812), through the real login:
the published link with `&lang=` (A-3), the test identity provider in the language sent as
`ui_locales`, every page found by its translated labels, axe-core on each page (`<html lang>`
right, zero serious or critical), and a switch of language half-way through the form that keeps
what was typed. The notes stay bokmål (I-4)."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import PERSONAS
from tests.e2e.support import PHONE, START
from tracing.models import Index
from tracing.notes import DONE_TITLE, INFO_TITLE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")

WORDS = {
    "nn": {
        "test login": "Testinnlogging",
        "fnr": "Fødselsnummer",
        "log in": "Logg inn",
        "heading": "Registrer positiv heimetest",
        "municipality": "Vel kommune",
        "next": "Neste",
        "who": "Kven har testa positivt?",
        "myself": "Meg sjølv",
        "workplace": "Arbeidsstad eller skule",
        "test date": "Dato for test",
        "no symptoms": "Ingen symptom",
        "where": "Kvar vart du smitta?",
        "household": "Hushald",
        "no": "Nei",
        "submit": "Send inn",
        "receipt": "Skjemaet er registrert",
        "switch to": ("English", "en"),
    },
    "en": {
        "test login": "Test login",
        "fnr": "National identity number",
        "log in": "Log in",
        "heading": "Register a positive home test",
        "municipality": "Choose municipality",
        "next": "Next",
        "who": "Who has tested positive?",
        "myself": "Myself",
        "workplace": "Workplace or school",
        "test date": "Date of test",
        "no symptoms": "No symptoms",
        "where": "Where were you infected?",
        "household": "Household",
        "no": "No",
        "submit": "Submit",
        "receipt": "The form is registered",
        "switch to": ("Nynorsk", "nn"),
    },
}


def _day(days_ago: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=days_ago)


@pytest.mark.parametrize("code", ["nn", "en"])
def test_citizen_registers_in_nynorsk_or_english(visit, oidc_live, demo_data, code):
    words = WORDS[code]
    browsing = visit(PHONE, locale="nb-NO")  # the link's `lang` wins over the browser's
    page = browsing.page
    html = page.locator("html")

    page.goto(f"{START}?kommunenummer=0301&lang={code}")
    expect(page).to_have_url(re.compile(r"/testidp/authorize\?"))
    assert f"ui_locales={code}" in page.url
    expect(html).to_have_attribute("lang", code)
    expect(page.get_by_role("heading", name=words["test login"])).to_be_visible()
    browsing.check(f"{code}-idp-login")
    page.get_by_label(words["fnr"]).fill(KARI)
    page.get_by_role("button", name=words["log in"]).click()

    expect(page.get_by_role("heading", name=words["heading"])).to_be_visible()
    expect(html).to_have_attribute("lang", code)
    expect(page.get_by_label(words["municipality"])).to_have_value("0301")
    browsing.check(f"{code}-start")
    page.get_by_role("button", name=words["next"]).click()

    group = page.get_by_role("group", name=words["who"])
    expect(group).to_be_visible()
    browsing.check(f"{code}-who")
    group.get_by_label(words["myself"], exact=True).check()
    page.get_by_role("button", name=words["next"]).click()

    # Half of the form, then the other language: the same step, nothing lost.
    expect(page.get_by_role("button", name=words["submit"])).to_be_visible()
    browsing.check(f"{code}-form")
    page.get_by_label(words["workplace"]).fill("Byggfirma AS")
    page.get_by_label(words["test date"]).fill(_day(1).isoformat())
    page.get_by_label(words["no symptoms"]).check()
    name, other = words["switch to"]
    page.get_by_role("button", name=name).click()
    words = WORDS[other]
    expect(html).to_have_attribute("lang", other)
    expect(page.get_by_label(words["workplace"])).to_have_value("Byggfirma AS")
    expect(page.get_by_label(words["test date"])).to_have_value(_day(1).isoformat())
    expect(page.get_by_label(words["no symptoms"])).to_be_checked()
    assert not Index.objects.filter(fnr=KARI).exists()
    browsing.check(f"{code}-form-switched-to-{other}")

    page.get_by_label(words["where"]).select_option(label=words["household"])
    page.get_by_label(words["no"], exact=True).check()
    page.get_by_role("button", name=words["submit"]).click()
    expect(page.get_by_role("heading", name=words["receipt"])).to_be_visible()
    expect(html).to_have_attribute("lang", other)
    browsing.check(f"{code}-receipt")

    index = Index.objects.get(fnr=KARI, self_registered=True)
    notes = {note.title: note.text for note in index.notes.all()}
    assert sorted(notes) == sorted([DONE_TITLE, INFO_TITLE])
    info = notes[INFO_TITLE].splitlines()
    assert "Symptomstart: Ingen symptomer" in info
    assert "Hvor ble du smittet: Husstand" in info
    assert "Risikogruppe: Nei" in info
