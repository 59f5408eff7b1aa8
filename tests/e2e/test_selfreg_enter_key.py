"""Enter in a field of a portal form sends that form, as its own button does («Neste», «Send
inn»), not the first language-switch button in the header (which belongs to the same form so
that a language change keeps what is typed)."""

import pytest
from playwright.sync_api import expect

from demo.personas import PERSONAS
from tests.e2e.support import DESKTOP, START, idp_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")


def test_enter_in_a_field_sends_the_form_not_the_language_switch(visit, oidc_live, demo_data):
    browsing = visit(DESKTOP)
    page = browsing.page
    page.goto(f"{START}?kommunenummer=0301")
    idp_login(browsing, KARI)
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Meg selv", exact=True).check()
    page.get_by_role("button", name="Neste").click()
    expect(page.get_by_text("Steg 3 av 3")).to_be_visible()
    field = page.get_by_label("Arbeidssted eller skole")
    field.fill("Fjellet skole")
    field.press("Enter")
    # Sent and checked: the error summary names what is missing; still in bokmål, as typed.
    expect(page.get_by_role("heading", name="Rett opp dette før du går videre:")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "nb")
    expect(page.get_by_label("Arbeidssted eller skole")).to_have_value("Fjellet skole")
