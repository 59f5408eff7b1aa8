"""The whole citizen journey in Chromium with JavaScript on, through the REAL login: the portal
sends the browser to the bundled test identity provider (O-5), the Authlib client (C-1) finishes
the login, and the demo persona Kari Nordmann registers a positive home test for herself or her
child on a phone (375×812) and on a desktop (1280×800). Everything is found by its Norwegian
label (O-6, O-7); axe-core checks every page; the database then holds exactly one index with the
two notes of I-4."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from core.localtime import local_today
from demo.personas import PERSONAS
from tests.e2e.support import DESKTOP, PHONE, START, idp_login
from tracing.models import Index
from tracing.notes import DONE_TITLE, INFO_TITLE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")
# C-4: under 16 and at Kari's address. Sofie is 16; Jonas lives with his father in Bergen.
OFFERED = ["Meg selv", "Ola Kristian Nordmann", "Emma Nordmann"]
NOT_OFFERED = ["Sofie Nordmann", "Jonas Nordmann"]
STAMP = r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}"


def _day(days_ago: int) -> datetime.date:
    return local_today() - datetime.timedelta(days=days_ago)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
@pytest.mark.parametrize("who", ["Meg selv", "Ola Kristian Nordmann"], ids=["self", "child"])
def test_citizen_registers_through_the_real_login(
    visit, oidc_live, demo_data, demo_people, viewport, who
):
    is_self = who == "Meg selv"
    tag = "self" if is_self else "child"
    browsing = visit(viewport)
    page = browsing.page

    # C-1: nothing without a login; the published link leads to the identity provider.
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(browsing, KARI, check_as="idp-login")

    # C-2: back at "Velg kommune", Oslo preselected from the link.
    expect(page.get_by_role("heading", name="Registrer positiv hjemmetest")).to_be_visible()
    expect(page.get_by_label("Velg kommune")).to_have_value("0301")
    browsing.check("start")
    page.get_by_role("button", name="Neste").click()

    # C-4: herself and the two children under 16 at her address, by full name; nobody else.
    group = page.get_by_role("group", name="Hvem har testet positivt?")
    expect(group.get_by_role("radio")).to_have_count(len(OFFERED))
    for name in OFFERED:
        expect(group.get_by_label(name, exact=True)).to_be_visible()
    for name in NOT_OFFERED:
        expect(page.get_by_text(name.split()[0])).to_have_count(0)
    browsing.check(f"who-{tag}")
    group.get_by_label(who, exact=True).check()
    page.get_by_role("button", name="Neste").click()

    # C-6, C-7: the form, filled in by its labels.
    expect(page.get_by_role("button", name="Send inn")).to_be_visible()
    if is_self:
        # Prefilled from KRR; the citizen corrects them.
        expect(page.get_by_label("Telefonnummer")).to_have_value("+4799000001")
        expect(page.get_by_label("E-post")).to_have_value("kari.nordmann@example.no")
    else:
        # For a child only the names are shown, and no phone or e-mail is asked.
        expect(page.get_by_text("Kristian", exact=True)).to_be_visible()
        expect(page.get_by_label("Telefonnummer")).to_have_count(0)
        expect(page.get_by_label("E-post")).to_have_count(0)
    browsing.check(f"form-{tag}")
    page.get_by_label("Arbeidssted eller skole").fill(
        "Byggfirma AS" if is_self else "Uranienborg skole"
    )
    page.get_by_label("Dato for test").fill(_day(1).isoformat())
    if is_self:
        page.get_by_label("Dato for symptomstart").fill(_day(2).isoformat())
        page.get_by_label("Hvor ble du smittet?").select_option(label="Arbeid")
        page.get_by_label("Ja", exact=True).check()
        page.get_by_label("Telefonnummer").fill("+4791234567")
        page.get_by_label("E-post").fill("kari@example.no")
    else:
        page.get_by_label("Ingen symptomer").check()
        page.get_by_label("Hvor ble du smittet?").select_option(label="Skole eller barnehage")
        page.get_by_label("Beskriv").fill("Klassekamerat")
        page.get_by_label("Vet ikke", exact=True).check()
    page.get_by_role("button", name="Send inn").click()

    # C-8: the receipt.
    expect(page.get_by_role("heading", name="Skjemaet er registrert")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("registrert hos Oslo")
    if not is_self:
        expect(page.get_by_role("main")).to_contain_text("Ola Kristian Nordmann")
    browsing.check(f"receipt-{tag}")

    # I-1, I-4, I-5: one index in Oslo, with the two notes and who registered it.
    fnr = KARI if is_self else demo_people[who]
    index = Index.objects.get(fnr=fnr)
    assert Index.objects.filter(fnr=fnr, self_registered=True).count() == 1
    assert (index.status, index.municipality_id, index.self_registered) == ("active", "0301", True)
    assert index.test_date_from == _day(1)
    notes = {note.title: note.text for note in index.notes.all()}
    assert sorted(notes) == sorted([DONE_TITLE, INFO_TITLE])
    assert re.fullmatch(rf"Utført selvregistrering {STAMP}", notes[DONE_TITLE])
    info = notes[INFO_TITLE].splitlines()
    if is_self:
        assert re.fullmatch(rf"Informasjon oppdatert vha selvregistrering den {STAMP}", info[0])
        assert "Telefonnummer: +4791234567" in info
        assert "E-post: kari@example.no" in info
        assert index.registered_by_kind == "self"
    else:
        assert re.fullmatch(
            rf"Informasjon oppdatert vha selvregistrering av barn fra foresatt den {STAMP}",
            info[0],
        )
        assert "Hvor ble du smittet: Skole eller barnehage: Klassekamerat" in info
        assert (index.registered_by_kind, index.registered_by_fnr) == ("guardian", KARI)
        # The guardian for the tracer: Kari's name from Folkeregisteret, her phone from KRR.
        assert (index.registered_by_name, index.registered_by_phone) == (
            "Kari Nordmann",
            "+4799000001",
        )
