"""No dead ends: the pages that turn a citizen away (C-3, C-5, the portal's problem and 503
pages, the error pages) name the municipality's home page and phone number as its
administrator set them in Forvaltning, and without them say how to find the municipality."""

import re

import pytest

from municipalities.services import municipality_set_contact, municipality_set_status
from registers.types import RegisterUnavailable
from selfreg.tests.portal import FORM, choose, who_url
from tests.factories import IndexFactory, PersonFactory, new_fnr

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

OSLO_WEB = "https://www.oslo.kommune.no/smittevern/"
HOME_LINK = re.compile(r'<a class="ds-link" href="([^"]+)">Kommunens hjemmeside</a>')
PHONE_LINK = re.compile(
    r'<a class="ds-link municipality-contact__phone" href="([^"]+)">([^<]+)</a>'
)
FALLBACK = "Søk etter «Oslo kommune» for å finne kommunens hjemmeside og telefonnummer."


def _oslo_contact(website: str = OSLO_WEB, phone: str = "21 80 21 80") -> None:
    municipality_set_contact(number="0301", website=website, phone=phone, source="test")


def assert_contact(html: str, *, website: str | None, phone: tuple[str, str] | None) -> None:
    assert "Kontakt Oslo" in html
    links = HOME_LINK.findall(html)
    assert links == ([website] if website else [])
    phones = PHONE_LINK.findall(html)
    assert phones == ([phone] if phone else [])
    assert (FALLBACK in html) == (website is None and phone is None)
    assert "116 117" in html


def test_c3_page_links_to_the_home_page_and_shows_the_phone(citizen_client, parent):
    municipality_set_status(number="0301", selfreg_enabled=False, source="test")
    _oslo_contact()
    html = citizen_client(parent.fnr).get(who_url("0301")).content.decode()
    assert "Oslo tar ikke imot selvregistrering her" in html
    assert "kommunens hjemmeside" in html  # O-7
    assert_contact(html, website=OSLO_WEB, phone=("tel:+4721802180", "21 80 21 80"))
    assert "Velg en annen kommune" in html


def test_c3_page_without_contact_details_says_how_to_find_the_municipality(citizen_client, parent):
    municipality_set_status(number="0301", selfreg_enabled=False, source="test")
    html = citizen_client(parent.fnr).get(who_url("0301")).content.decode()
    assert_contact(html, website=None, phone=None)
    assert "Velg en annen kommune" in html


def test_c5_refusal_links_to_the_chosen_municipality(citizen_client, parent):
    _oslo_contact(phone="")
    IndexFactory(person=PersonFactory(fnr=parent.fnr, municipality_id="0301"))
    # C-5 on the who-page: the citizen is shown as already registered, with where to turn.
    html = citizen_client(parent.fnr).get(who_url("0301")).content.decode()
    assert "Du er allerede registrert" in html
    assert_contact(html, website=OSLO_WEB, phone=None)


def test_problem_page_names_the_municipality_of_the_link(citizen_client):
    _oslo_contact(website="")
    html = citizen_client(new_fnr()).get(who_url("0301")).content.decode()
    assert "Vi fant deg ikke i Folkeregisteret" in html
    assert_contact(html, website=None, phone=("tel:+4721802180", "21 80 21 80"))


def test_register_down_page_names_the_municipality_of_the_flow(citizen_client, parent, monkeypatch):
    _oslo_contact()
    client = citizen_client(parent.fnr)
    choose(client)

    def down():
        raise RegisterUnavailable("connection refused")

    monkeypatch.setattr("registers.interfaces.get_folkeregister", down)
    response = client.get(FORM)
    assert response.status_code == 503
    assert_contact(
        response.content.decode(), website=OSLO_WEB, phone=("tel:+4721802180", "21 80 21 80")
    )


def test_the_404_page_of_the_portal_names_the_municipality_of_the_flow(citizen_client, parent):
    _oslo_contact()
    client = citizen_client(parent.fnr)
    choose(client)
    response = client.get("/innlogget/smitte-selvregistrering/hjemmetest/finnes-ikke")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Fant ikke siden" in html
    assert_contact(html, website=OSLO_WEB, phone=("tel:+4721802180", "21 80 21 80"))


def test_the_404_page_without_a_municipality_has_only_the_way_back(client):
    html = client.get("/finnes-ikke").content.decode()
    assert "Fant ikke siden" in html
    assert "Kontakt " not in html and "Kommunens hjemmeside" not in html
    assert "Til selvregistrering av positiv hjemmetest" in html


def test_a_staff_404_names_no_municipality(client):
    _oslo_contact()
    html = client.get("/smittesporing/finnes-ikke/?kommunenummer=0301").content.decode()
    assert "Kommunens hjemmeside" not in html
