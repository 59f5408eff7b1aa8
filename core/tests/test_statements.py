"""The footer of every page links to the privacy statement and the accessibility statement,
each a page of its own, public and without personal data; every page has our icon."""

import re

import pytest

from municipalities.services import municipality_set_contact
from selfreg.tests.portal import choose, selfreg_on
from tests.factories import SyntheticKrrEntryFactory, SyntheticPersonFactory

pytestmark = pytest.mark.django_db

PRIVACY = "/personvernerklaering"
ACCESSIBILITY = "/tilgjengelighetserklaering"
FOOTER = re.compile(r'<footer class="site-footer">(.*?)</footer>', re.S)


def _footer_links(html: str) -> list[tuple[str, str]]:
    footer = FOOTER.search(html)
    assert footer, "no footer"
    return re.findall(r'<a class="ds-link" href="([^"]+)"[^>]*>([^<]+)</a>', footer.group(1))


@pytest.mark.parametrize(
    "path",
    [
        "/",
        PRIVACY,
        ACCESSIBILITY,
        "/finnes-ikke",
        "/smittesporing/logg-inn/",
        "/innlogget/logget-ut/",
    ],
)
def test_every_kind_of_page_has_the_footer_with_both_statements(client, path):
    html = client.get(path, follow=True).content.decode()
    assert _footer_links(html) == [
        (PRIVACY, "Personvernerklæring"),
        (ACCESSIBILITY, "Tilgjengelighetserklæring"),
    ]


def test_the_portal_and_the_back_office_have_the_footer(citizen_client, staff_client):
    selfreg_on("0301")
    person = SyntheticPersonFactory()
    SyntheticKrrEntryFactory(person=person)
    portal = citizen_client(person.fnr)
    choose(portal)
    for html in (
        portal.get("/innlogget/smitte-selvregistrering/hjemmetest/skjema").content.decode(),
        staff_client(tracer_in=["0301"]).get("/smittesporing/", follow=True).content.decode(),
        staff_client(admin_in=["0301"]).get("/forvaltning/0301/").content.decode(),
    ):
        assert [label for _, label in _footer_links(html)] == [
            "Personvernerklæring",
            "Tilgjengelighetserklæring",
        ]


def test_the_footer_marks_the_statement_shown(client):
    html = client.get(ACCESSIBILITY).content.decode()
    assert f'href="{ACCESSIBILITY}" aria-current="page">' in html
    assert f'href="{PRIVACY}" aria-current' not in html


def test_the_privacy_statement_names_controller_basis_retention_and_rights(client, settings):
    settings.RETENTION_CLOSED_INDEX_DAYS = 90
    settings.RETENTION_ACCESS_LOG_DAYS = 365
    settings.OUTBOX_KEEP_DAYS = 21
    response = client.get(PRIVACY)
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Personvernerklæring</h1>" in html
    for text in (
        "er behandlingsansvarlig",
        "smittevernloven",
        "artikkel 6 nr. 1 bokstav e",
        "artikkel 9 nr. 2 bokstav i",
        "slettes de etter 90 dager",  # the periods `manage.py retention` deletes by
        "Tilgangsloggen slettes etter 365 dager",
        "etter 21 dager",
        "Du har rett til innsyn",
        'href="https://www.datatilsynet.no/"',
    ):
        assert text in html, text


def test_the_accessibility_statement_has_uutilsynets_parts(client):
    html = client.get(ACCESSIBILITY).content.decode()
    for text in (
        "WCAG 2.1 på nivå A og AA",
        "Kjente avvik og begrensninger",
        "axe-core",
        "bare tastatur",
        "Tilbakemelding",
        'href="https://www.uutilsynet.no/"',
        "Erklæringen ble sist oppdatert 3. desember 2026.",
    ):
        assert text in html, text


def test_the_statements_name_the_municipality_of_the_link(client):
    municipality_set_contact(
        number="0301", website="https://www.oslo.kommune.no", phone="21802180", source="test"
    )
    for path in (PRIVACY, ACCESSIBILITY):
        html = client.get(f"{path}?kommunenummer=0301").content.decode()
        assert "Kontakt Oslo" in html and 'href="tel:+4721802180"' in html
        assert "Kontakt Oslo" not in client.get(path).content.decode()


def test_the_statements_take_no_post(client):
    assert client.post(PRIVACY).status_code == 405
    assert client.post(ACCESSIBILITY).status_code == 405


def test_every_page_links_the_icon_from_our_own_static_files(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    assert '<link rel="icon" href="/static/favicon-32.png" type="image/png" sizes="32x32">' in html
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (302, "/static/favicon.ico")
