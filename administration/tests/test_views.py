"""Forvaltning (A-1…A-3): the switch "Ta i bruk selvregistrering" and back, logged with who;
a non-customer has no button; the link to publish; only the administrator's municipalities."""

import re

import pytest
from django.utils import timezone

from municipalities.models import Municipality, MunicipalityStatusChange
from municipalities.services import municipality_set_status

pytestmark = pytest.mark.django_db

PAGE = "/forvaltning/0301/"
SWITCH = "/forvaltning/0301/selvregistrering/"


def _customer(number: str = "0301", *, selfreg: bool = False) -> None:
    municipality_set_status(
        number=number, is_customer=True, selfreg_enabled=selfreg, source="command"
    )


def _buttons(html: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", b).strip()
        for b in re.findall(r"<button[^>]*>(.*?)</button>", html, re.S)
    ]


def test_a_customer_switches_selfreg_on_and_it_is_logged_with_who(staff_client):
    _customer()
    client = staff_client(admin_in=["0301"])
    page = client.get(PAGE)
    assert page.status_code == 200
    assert "Ta i bruk selvregistrering" in _buttons(page.content.decode())
    response = client.post(SWITCH, {"selvregistrering": "on"})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert Municipality.objects.get(number="0301").selfreg_enabled is True
    change = MunicipalityStatusChange.objects.filter(municipality_id="0301").first()
    assert (change.changed_by, change.source, change.selfreg_enabled) == (
        client.staff_user,
        "admin-page",
        True,
    )
    after = client.get(PAGE).content.decode()
    assert "Selvregistrering er tatt i bruk" in after
    assert "Slå av selvregistrering" in _buttons(after)
    assert "Ta i bruk selvregistrering" not in _buttons(after)
    # The recent switches show who and when.
    assert client.staff_user.username in after
    assert timezone.localtime(change.changed_at).strftime("%d.%m.%Y") in after


def test_switching_selfreg_off_asks_first(staff_client):
    """«Slå av selvregistrering» is answered with a confirmation page; nothing changes yet."""
    _customer(selfreg=True)
    client = staff_client(admin_in=["0301"])
    before = MunicipalityStatusChange.objects.count()
    response = client.post(SWITCH, {"selvregistrering": "off"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Vil du slå av selvregistrering for Oslo?" in body
    assert _buttons(body)[-1] == "Ja, slå av selvregistrering"
    assert '<input type="hidden" name="selvregistrering" value="off">' in body
    assert '<input type="hidden" name="bekreft" value="ja">' in body
    assert f'href="{PAGE}">Avbryt</a>' in body
    assert "<script" not in body
    assert Municipality.objects.get(number="0301").selfreg_enabled is True
    assert MunicipalityStatusChange.objects.count() == before


def test_a_customer_switches_selfreg_off_again(staff_client):
    _customer(selfreg=True)
    client = staff_client(admin_in=["0301"])
    response = client.post(SWITCH, {"selvregistrering": "off", "bekreft": "ja"}, follow=True)
    assert Municipality.objects.get(number="0301").selfreg_enabled is False
    assert "Selvregistrering er slått av." in response.content.decode()
    latest = MunicipalityStatusChange.objects.filter(municipality_id="0301").first()
    assert (latest.changed_by, latest.selfreg_enabled) == (client.staff_user, False)


def test_switching_to_what_it_already_is_logs_nothing_new(staff_client):
    _customer(selfreg=True)
    client = staff_client(admin_in=["0301"])
    before = MunicipalityStatusChange.objects.count()
    client.post(SWITCH, {"selvregistrering": "on"})
    assert MunicipalityStatusChange.objects.count() == before


def test_a_non_customer_must_become_a_customer_first(staff_client):
    client = staff_client(admin_in=["0301"])
    html = client.get(PAGE).content.decode()
    assert "ikke kunde" in html
    assert "må bli kunde" in html
    assert "Ta i bruk selvregistrering" not in _buttons(html)
    assert "Slå av selvregistrering" not in _buttons(html)
    # A hand-made POST changes nothing either.
    response = client.post(SWITCH, {"selvregistrering": "on"}, follow=True)
    assert "ikke kunde" in response.content.decode()
    municipality = Municipality.objects.get(number="0301")
    assert (municipality.is_customer, municipality.selfreg_enabled) == (False, False)
    assert not MunicipalityStatusChange.objects.filter(municipality_id="0301").exists()


@pytest.mark.parametrize("value", ["", "ja", "ON"], ids=["empty", "other", "upper"])
def test_an_unknown_switch_value_changes_nothing(staff_client, value):
    _customer()
    client = staff_client(admin_in=["0301"])
    response = client.post(SWITCH, {"selvregistrering": value}, follow=True)
    assert "Ukjent valg" in response.content.decode()
    assert Municipality.objects.get(number="0301").selfreg_enabled is False


def test_the_link_to_publish_has_the_number_filled_in(staff_client, settings):
    settings.SITE_URL = "https://smittesporing.example.no"
    client = staff_client(admin_in=["0301"])
    html = client.get(PAGE).content.decode()
    link = (
        "https://smittesporing.example.no/innlogget/smitte-selvregistrering/hjemmetest"
        "?kommunenummer=0301"
    )
    # The text to copy; <wbr> only marks where it may wrap.
    assert f'<code id="publish-link">{link}</code>' in html.replace("<wbr>", "")
    assert f'href="{link}" target="_blank" rel="noopener noreferrer"' in html  # and to test it
    assert ">Test lenken<" in html


def test_without_site_url_the_link_uses_the_address_asked_for(staff_client, settings):
    settings.SITE_URL = ""
    client = staff_client(admin_in=["4601"])
    html = client.get("/forvaltning/4601/").content.decode().replace("<wbr>", "")
    assert (
        '<code id="publish-link">http://testserver/innlogget/smitte-selvregistrering/hjemmetest'
        "?kommunenummer=4601</code>" in html
    )


def test_the_link_to_publish_opens_the_portal_with_the_municipality_chosen(
    staff_client, citizen_client, settings
):
    """A-3 "a way to test that it works": the link on the page leads to "Velg kommune" with
    the municipality already chosen (C-2)."""
    from urllib.parse import urlsplit

    from tests.factories import new_fnr

    settings.SITE_URL = "https://smittesporing.example.no"
    html = staff_client(admin_in=["0301"]).get(PAGE).content.decode().replace("<wbr>", "")
    link = re.search(r'<code id="publish-link">([^<]+)</code>', html).group(1)
    parts = urlsplit(link.replace("&amp;", "&"))
    response = citizen_client(new_fnr()).get(f"{parts.path}?{parts.query}")
    assert response.status_code == 200
    assert '<option value="0301" selected>' in response.content.decode()


@pytest.mark.parametrize(
    ("code", "heading"), [("nn", "Vel kommune"), ("en", "Choose municipality")]
)
def test_the_nynorsk_and_english_links_open_the_portal_in_that_language(
    staff_client, citizen_client, settings, code, heading
):
    """A-3 in nynorsk and English: beside the link, one per language (`&lang=`), and each
    leads to the same choice of municipality, in that language."""
    from urllib.parse import urlsplit

    from tests.factories import new_fnr

    settings.SITE_URL = "https://smittesporing.example.no"
    html = staff_client(admin_in=["0301"]).get(PAGE).content.decode()
    code_element = re.search(rf'<code id="publish-link-{code}">(.+?)</code>', html).group(1)
    link = code_element.replace("<wbr>", "")  # break opportunities for a narrow screen
    assert link.endswith(f"?kommunenummer=0301&amp;lang={code}")
    parts = urlsplit(link.replace("&amp;", "&"))
    page = citizen_client(new_fnr()).get(f"{parts.path}?{parts.query}").content.decode()
    assert f'<html lang="{code}"' in page
    assert heading in page
    assert '<option value="0301" selected>' in page


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/forvaltning/4601/", None),
        ("post", "/forvaltning/4601/selvregistrering/", {"selvregistrering": "on"}),
        ("post", "/forvaltning/4601/api-nokler/", {"label": "Inntrenger"}),
        ("get", "/forvaltning/9999/", None),
    ],
    ids=["page", "switch", "token", "unknown"],
)
@pytest.mark.parametrize("persona", ["admin_oslo", "admin_oslo_tracer_bergen"])
def test_another_municipality_is_404_and_unchanged(staff_client, method, path, data, persona):
    _customer("4601")
    tracer_in = ["4601"] if persona == "admin_oslo_tracer_bergen" else []
    client = staff_client(admin_in=["0301"], tracer_in=tracer_in)
    before = MunicipalityStatusChange.objects.count()
    response = getattr(client, method)(path, data)
    assert response.status_code == 404
    assert "Bergen" not in response.content.decode()
    assert Municipality.objects.get(number="4601").selfreg_enabled is False
    assert MunicipalityStatusChange.objects.count() == before
    from accounts.models import ApiToken

    assert not ApiToken.objects.exists()


def test_a_tracer_without_the_admin_role_is_refused(staff_client):
    client = staff_client(tracer_in=["0301"])
    assert client.get("/forvaltning/").status_code == 403
    assert client.get(PAGE).status_code == 403
    assert client.post(SWITCH, {"selvregistrering": "on"}).status_code == 403


def test_anonymous_is_sent_to_the_staff_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith("/smittesporing/logg-inn/?next=")
    assert client.post(SWITCH, {"selvregistrering": "on"}).status_code == 302
    assert Municipality.objects.get(number="0301").selfreg_enabled is False


def test_the_switch_is_post_only_and_needs_csrf(staff_client, client):
    _customer()
    staff = staff_client(admin_in=["0301"])
    assert staff.get(SWITCH).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(staff.staff_user)
    assert strict.post(SWITCH, {"selvregistrering": "on"}).status_code == 403
    assert Municipality.objects.get(number="0301").selfreg_enabled is False


def test_one_municipality_goes_straight_to_it(staff_client):
    client = staff_client(admin_in=["0301"])
    response = client.get("/forvaltning/")
    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_several_municipalities_are_listed(staff_client):
    _customer("4601", selfreg=True)
    client = staff_client(admin_in=["0301", "4601"])
    html = client.get("/forvaltning/").content.decode()
    assert 'href="/forvaltning/0301/"' in html and 'href="/forvaltning/4601/"' in html
    assert "selvregistrering i bruk" in html


def test_the_menu_has_forvaltning_for_administrators_only(staff_client):
    admin = staff_client(admin_in=["0301"], tracer_in=["0301"])
    assert (
        'href="/forvaltning/"' in admin.get("/smittesporing/arbeidsliste/i-dag/").content.decode()
    )
    admin.logout()
    tracer = staff_client(tracer_in=["0301"])
    html = tracer.get("/smittesporing/arbeidsliste/i-dag/").content.decode()
    assert 'href="/forvaltning/"' not in html
