"""No dead ends, in Chromium at 375 and 1280 px with axe-core on every page reached: an
administrator sets «Nettside» and «Telefon» in Forvaltning, and the pages that turn a citizen
away (C-3, the C-5 refusal, the portal's 404) link to that home page and show that phone, or
say how to find the municipality when none is set. Every page has the footer with
«Personvernerklæring» and «Tilgjengelighetserklæring», two pages of their own, and our icon;
each message of the error summary names its field."""

import re

import pytest
from playwright.sync_api import expect

from demo.personas import INGRID, PERSONAS
from municipalities.models import Municipality, MunicipalityContactChange
from municipalities.services import municipality_set_contact
from tests.e2e.support import DESKTOP, PHONE, START, idp_login
from tests.factories import StaffFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

KARI = next(p.fnr for p in PERSONAS if p.name == "Kari Nordmann")
VIEWPORTS = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=lambda v: v.name)
PASSWORD = "et-langt-testpassord-for-admin"
STAVANGER_WEB = "https://www.stavanger.kommune.no/helse-og-omsorg/smittevern/"


def _footer(page):
    return page.get_by_role("contentinfo").get_by_role("navigation", name="Om tjenesten")


def _expect_footer(page) -> None:
    footer = _footer(page)
    expect(footer.get_by_role("link", name="Personvernerklæring")).to_have_attribute(
        "href", "/personvernerklaering"
    )
    expect(footer.get_by_role("link", name="Tilgjengelighetserklæring")).to_have_attribute(
        "href", "/tilgjengelighetserklaering"
    )


def _myself_at(browsing, fnr: str, number: str):
    """The published link of `number` (A-3), the login (O-5), «Neste», «Meg selv», «Neste»."""
    page = browsing.page
    page.goto(f"{START}?kommunenummer={number}")
    idp_login(browsing, fnr)
    page.get_by_role("button", name="Neste").click()
    page.get_by_label("Meg selv", exact=True).check()
    page.get_by_role("button", name="Neste").click()
    return browsing


def _contact(page, name: str):
    return page.get_by_role("region", name=f"Kontakt {name}")


@VIEWPORTS
def test_administrator_sets_website_and_phone_and_the_c3_page_shows_them(
    visit, oidc_live, demo_data, viewport
):
    StaffFactory(username="stavanger.admin", password=PASSWORD, admin_in=["1103"])
    browsing = visit(viewport)
    page = browsing.page
    page.goto("/smittesporing/logg-inn/")
    page.get_by_label("Brukernavn").fill("stavanger.admin")
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.goto("/forvaltning/1103/")
    _expect_footer(page)

    # Wrong values: a message beside each field, the summary names them, nothing typed lost.
    page.get_by_label("Nettside").fill("http://www.stavanger.kommune.no")
    page.get_by_label("Telefon").fill("5150")
    page.get_by_role("button", name="Lagre kontaktinformasjon").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^Nettside: "))).to_have_attribute(
        "href", "#id_website"
    )
    expect(summary.get_by_role("link", name=re.compile("^Telefon: "))).to_be_visible()
    expect(page.locator("#id_website_error")).to_contain_text("https://")
    expect(page.get_by_label("Telefon")).to_have_value("5150")
    browsing.check("forvaltning-contact-errors")

    page.get_by_label("Nettside").fill(STAVANGER_WEB)
    page.get_by_label("Telefon").fill("51 50 70 90")
    page.get_by_role("button", name="Lagre kontaktinformasjon").click()
    expect(page.get_by_text("Kontaktinformasjonen er lagret.")).to_be_visible()
    expect(page.get_by_label("Telefon")).to_have_value("51 50 70 90")
    changes = page.get_by_role("region", name="Tabell over endringer i kontaktinformasjonen")
    expect(changes.get_by_role("cell", name="stavanger.admin")).to_be_visible()
    browsing.check("forvaltning-contact-saved")
    stavanger = Municipality.objects.get(number="1103")
    assert (stavanger.website, stavanger.phone) == (STAVANGER_WEB, "+4751507090")
    assert MunicipalityContactChange.objects.get().changed_by.username == "stavanger.admin"
    page.get_by_role("button", name="Logg ut").click()

    # C-3: Stavanger is a customer with self-registration off: the home page and the phone.
    page.goto(f"{START}?kommunenummer=1103")
    idp_login(browsing, KARI)
    page.get_by_role("button", name="Neste").click()
    expect(
        page.get_by_role("heading", name="Stavanger tar ikke imot selvregistrering her")
    ).to_be_visible()
    contact = _contact(page, "Stavanger")
    expect(contact.get_by_role("link", name="Kommunens hjemmeside")).to_have_attribute(
        "href", STAVANGER_WEB
    )
    expect(contact.get_by_role("link", name="51 50 70 90")).to_have_attribute(
        "href", "tel:+4751507090"
    )
    expect(page.get_by_role("link", name="Velg en annen kommune")).to_be_visible()
    _expect_footer(page)
    browsing.check("c3-with-website-and-phone")

    # C-3 for a municipality without contact details: how to find it, and where help is.
    page.get_by_role("link", name="Velg en annen kommune").click()
    page.get_by_label("Velg kommune").select_option(label="Halden")
    page.get_by_role("button", name="Neste").click()
    contact = _contact(page, "Halden")
    expect(contact).to_contain_text("Søk etter «Halden kommune»")
    expect(contact).to_contain_text("116 117")
    expect(contact.get_by_role("link", name="Kommunens hjemmeside")).to_have_count(0)
    browsing.check("c3-without-contact-details")


@VIEWPORTS
def test_the_refusal_and_the_portals_404_link_to_the_municipality(
    visit, oidc_live, demo_data, viewport
):
    municipality_set_contact(
        number="5001",
        website="https://www.trondheim.kommune.no/",
        phone="72540000",
        source="e2e",
    )
    # C-5 on the who-page: Ingrid is shown as already registered, not offered as a choice.
    browsing = visit(viewport)
    page = browsing.page
    page.goto(f"{START}?kommunenummer=5001")
    idp_login(browsing, INGRID)
    page.get_by_role("button", name="Neste").click()
    expect(page.get_by_role("heading", name="Allerede registrert")).to_be_visible()
    contact = _contact(page, "Trondheim")
    expect(contact.get_by_role("link", name="Kommunens hjemmeside")).to_have_attribute(
        "href", "https://www.trondheim.kommune.no/"
    )
    expect(contact.get_by_role("link", name="72 54 00 00")).to_have_attribute(
        "href", "tel:+4772540000"
    )
    browsing.check("refusal-with-contact")

    # A page that does not exist, with the municipality in the link.
    response = page.goto(f"{START}/finnes-ikke?kommunenummer=5001")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Fant ikke siden")).to_be_visible()
    expect(_contact(page, "Trondheim").get_by_role("link", name="72 54 00 00")).to_be_visible()
    expect(
        page.get_by_role("link", name="Til selvregistrering av positiv hjemmetest")
    ).to_be_visible()
    _expect_footer(page)
    browsing.check("404-with-contact")


@VIEWPORTS
def test_every_page_has_the_footer_and_the_statements_are_pages_of_their_own(
    visit, live_server, viewport
):
    browsing = visit(viewport)
    page = browsing.page
    page.goto("/")
    _expect_footer(page)
    icon = page.locator('link[rel="icon"][type="image/svg+xml"]')
    expect(icon).to_have_attribute("href", "/static/favicon.svg")
    for path, kind in (
        ("/static/favicon.svg", "image/svg+xml"),
        ("/static/favicon-32.png", "image/png"),
        ("/favicon.ico", "image/"),
    ):
        answer = page.request.get(path)
        assert answer.ok and answer.headers["content-type"].startswith(kind), path
    browsing.check("front-page-footer")

    _footer(page).get_by_role("link", name="Personvernerklæring").click()
    expect(page.get_by_role("heading", name="Personvernerklæring", level=1)).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("er behandlingsansvarlig")
    expect(main).to_contain_text("artikkel 9 nr. 2 bokstav i")
    expect(main.get_by_role("heading", name="Hvor lenge opplysningene lagres")).to_be_visible()
    expect(main.get_by_role("link", name="Datatilsynet")).to_be_visible()
    browsing.check("privacy-statement")

    _footer(page).get_by_role("link", name="Tilgjengelighetserklæring").click()
    expect(page.get_by_role("heading", name="Tilgjengelighetserklæring", level=1)).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text("WCAG 2.1 på nivå A og AA")
    expect(main.get_by_role("heading", name="Kjente avvik og begrensninger")).to_be_visible()
    expect(main.get_by_role("link", name="uutilsynet.no")).to_have_attribute(
        "href", "https://www.uutilsynet.no/"
    )
    browsing.check("accessibility-statement")

    # The back office's login and an error page have it too.
    page.goto("/smittesporing/logg-inn/")
    _expect_footer(page)
    page.goto("/finnes-ikke")
    _expect_footer(page)

    # Keyboard only: the footer's links are reached with Tab and followed with Enter.
    page.goto("/")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Personvernerklæring":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/personvernerklaering$"))


@VIEWPORTS
def test_the_error_summary_names_each_field(visit, oidc_live, demo_data, viewport):
    browsing = _myself_at(visit(viewport), KARI, "0301")
    page = browsing.page
    # Kari is in KRR with both: the help text is under both fields.
    expect(page.locator("#id_phone_helptext")).to_contain_text("Kontakt- og reservasjonsregisteret")
    expect(page.locator("#id_email_helptext")).to_contain_text("Kontakt- og reservasjonsregisteret")
    page.get_by_role("button", name="Send inn").click()
    summary = page.locator(".ds-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name=re.compile("^Dato for test: "))).to_have_attribute(
        "href", "#id_test_date_from"
    )
    expect(
        summary.get_by_role("link", name=re.compile("^Hvor ble du smittet: "))
    ).to_have_attribute("href", "#id_infection_place")
    browsing.check("form-error-summary-names-fields")
