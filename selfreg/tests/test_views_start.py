"""Step 1, "Velg kommune": C-1 (login), C-2 (list, help, preselect) and A-4 (old numbers)."""

import re

import pytest
from django.urls import reverse

from selfreg.tests.portal import START, WHO

pytestmark = pytest.mark.django_db


def options(html: str) -> list[tuple[str, str, bool]]:
    select = re.search(r'<select name="kommunenummer".*?</select>', html, re.S).group(0)
    return [
        (value, text.strip(), bool(selected))
        for value, selected, text in re.findall(
            r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select
        )
    ]


def selected(html: str) -> list[str]:
    return [value for value, _text, is_selected in options(html) if is_selected and value]


def test_c1_start_needs_login(client):
    response = client.get(f"{START}?kommunenummer=0301")
    assert response.status_code == 302
    assert response.url.startswith(f"{reverse('selfreg:login')}?next=")
    assert "kommunenummer%3D0301" in response.url


@pytest.mark.parametrize("path", [START, WHO, f"{START}/skjema", f"{START}/kvittering"])
def test_c1_every_portal_page_needs_login(client, path):
    assert client.get(path).status_code == 302
    assert client.post(path).status_code == 302


def test_c2_lists_all_357_municipalities_by_official_name(citizen_client, parent):
    html = citizen_client(parent.fnr).get(START).content.decode()
    real = [(value, text) for value, text, _sel in options(html) if value]
    assert len(real) == 357
    assert ("0301", "Oslo") in real
    assert ("5001", "Trondheim - Tråante") in real
    assert '<label class="ds-label" for="id_kommunenummer">Velg kommune</label>' in html
    assert "kommunen du bor i, eller kommunen du oppholder deg i nå" in html
    assert 'aria-describedby="id_kommunenummer_helptext"' in html
    assert ">Neste</button>" in html
    assert selected(html) == []


def test_o7_logout_button_posts_with_csrf(citizen_client, parent):
    html = citizen_client(parent.fnr).get(START).content.decode()
    action = reverse("selfreg:logout")
    form = re.search(rf'<form method="post" action="{action}".*?</form>', html, re.S)
    assert form is not None
    assert "csrfmiddlewaretoken" in form.group(0)
    assert ">Logg ut</button>" in form.group(0)


def test_c2_kommunenummer_preselects(citizen_client, parent):
    html = citizen_client(parent.fnr).get(f"{START}?kommunenummer=4601").content.decode()
    assert selected(html) == ["4601"]
    assert "ds-alert" not in html


@pytest.mark.parametrize(
    ("old", "message", "preselected"),
    [
        (
            "3001",
            "Kommunenummer 3001 (Halden) er ikke lenger i bruk. Halden har nå kommunenummer 3101.",
            "3101",
        ),
        (
            "0101",
            "Kommunenummer 0101 (Halden) er ikke lenger i bruk. Halden har nå kommunenummer 3101.",
            "3101",
        ),
    ],
)
def test_a4_old_number_names_the_new_municipality(
    citizen_client, parent, old, message, preselected
):
    html = citizen_client(parent.fnr).get(f"{START}?kommunenummer={old}").content.decode()
    assert message in html
    assert selected(html) == [preselected]


def test_a4_split_number_names_every_successor_and_preselects_none(citizen_client, parent):
    html = citizen_client(parent.fnr).get(f"{START}?kommunenummer=1507").content.decode()
    assert "Kommunenummer 1507 (Ålesund) er ikke lenger i bruk." in html
    assert "Ålesund (1508)" in html
    assert "Haram (1580)" in html
    assert selected(html) == []


def test_a4_unknown_number_says_so(citizen_client, parent):
    html = citizen_client(parent.fnr).get(f"{START}?kommunenummer=9999").content.decode()
    assert "Kommunenummer 9999 finnes ikke." in html
    assert selected(html) == []


def test_a4_malformed_number_says_so_escaped(citizen_client, parent):
    response = citizen_client(parent.fnr).get(f"{START}?kommunenummer=<b>12")
    html = response.content.decode()
    assert "er ikke et gyldig kommunenummer" in html
    assert "<b>12" not in html
    assert "&lt;b&gt;12" in html


def test_c2_neste_goes_to_who_step(citizen_client, parent):
    response = citizen_client(parent.fnr).post(START, {"kommunenummer": "0301"})
    assert response.status_code == 302
    assert response.url == f"{WHO}?kommunenummer=0301"


@pytest.mark.parametrize("value", ["", "3001", "abcd"])
def test_c2_no_or_invalid_choice_is_an_error_next_to_the_field(citizen_client, parent, value):
    response = citizen_client(parent.fnr).post(START, {"kommunenummer": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_kommunenummer_error"' in html
    assert "Velg en kommune fra listen." in html
    assert 'class="ds-error-summary"' in html
    assert 'href="#id_kommunenummer"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Feil:" in html
