"""Forvaltning: «Nettside» and «Telefon», which the citizen portal shows to those it turns away
(C-3, C-5): checked beside the field, nothing typed lost, logged with who, only the
administrator's own municipality (A-2)."""

import re

import pytest

from municipalities.models import Municipality, MunicipalityContactChange

pytestmark = pytest.mark.django_db

PAGE = "/forvaltning/0301/"
CONTACT = "/forvaltning/0301/kontaktinformasjon/"


def _input(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    value = re.search(r'value="([^"]*)"', match.group(0)) if match else None
    return value.group(1) if value else ""


def test_the_page_has_labelled_fields_for_website_and_phone(staff_client):
    html = staff_client(admin_in=["0301"]).get(PAGE).content.decode()
    assert '<label class="ds-label" for="id_website">Nettside</label>' in html
    assert '<label class="ds-label" for="id_phone">Telefon</label>' in html
    assert f'action="{CONTACT}"' in html
    assert ">Lagre kontaktinformasjon</button>" in html


def test_saving_stores_normalised_values_logs_who_and_shows_them_again(staff_client):
    client = staff_client(admin_in=["0301"])
    response = client.post(CONTACT, {"website": "www.oslo.kommune.no", "phone": "+47 21802180"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    oslo = Municipality.objects.get(number="0301")
    assert (oslo.website, oslo.phone) == ("https://www.oslo.kommune.no", "+4721802180")
    change = MunicipalityContactChange.objects.get()
    assert (change.changed_by, change.source, change.website, change.phone) == (
        client.staff_user,
        "admin-page",
        "https://www.oslo.kommune.no",
        "+4721802180",
    )
    html = client.get(PAGE).content.decode()
    assert "Kontaktinformasjonen er lagret." in html
    assert _input(html, "website") == "https://www.oslo.kommune.no"
    assert _input(html, "phone") == "21 80 21 80"
    # The change is listed with who made it and the values as they are shown.
    assert client.staff_user.username in html
    assert '<td class="municipality-contact__phone">21 80 21 80</td>' in html


def test_wrong_values_are_explained_beside_their_fields_and_kept_as_typed(staff_client):
    client = staff_client(admin_in=["0301"])
    response = client.post(CONTACT, {"website": "http://oslo.kommune.no", "phone": "1234"})
    assert response.status_code == 400
    html = response.content.decode()
    assert re.search(r'id="id_website_error">Adressen må begynne med https://', html)
    assert re.search(r'id="id_phone_error">Skriv et norsk telefonnummer med 8 sifre', html)
    assert _input(html, "website") == "http://oslo.kommune.no"
    assert _input(html, "phone") == "1234"
    assert 'class="ds-error-summary"' in html and 'href="#id_website"' in html
    assert (
        Municipality.objects.get(number="0301").website,
        MunicipalityContactChange.objects.count(),
    ) == ("", 0)


def test_empty_fields_clear_the_contact_details(staff_client):
    client = staff_client(admin_in=["0301"])
    client.post(CONTACT, {"website": "https://www.oslo.kommune.no", "phone": "21802180"})
    client.post(CONTACT, {"website": "", "phone": ""})
    oslo = Municipality.objects.get(number="0301")
    assert (oslo.website, oslo.phone) == ("", "")
    assert MunicipalityContactChange.objects.count() == 2


def test_another_municipality_answers_404_and_nothing_changes(staff_client):
    client = staff_client(admin_in=["0301"])
    response = client.post(
        "/forvaltning/4601/kontaktinformasjon/", {"website": "https://x.no", "phone": ""}
    )
    assert response.status_code == 404
    assert Municipality.objects.get(number="4601").website == ""


def test_a_tracer_cannot_set_contact_details(staff_client):
    client = staff_client(tracer_in=["0301"])
    client.post(CONTACT, {"website": "https://x.no", "phone": ""})
    assert Municipality.objects.get(number="0301").website == ""
    assert not MunicipalityContactChange.objects.exists()


def test_get_is_not_allowed(staff_client):
    assert staff_client(admin_in=["0301"]).get(CONTACT).status_code == 405
