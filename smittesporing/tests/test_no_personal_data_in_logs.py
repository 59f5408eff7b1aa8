"""S10: no fødselsnummer and no name in any log line or URL.

Drives the main flows end to end with every logger captured at DEBUG: the citizen's real OIDC
login against the test identity provider (live server), the portal for self and for a child,
logout; a failed login; the staff login and every back-office page and action; the API with a
municipality's token (reads, writes, a refused token, bad input); the administration (switch,
API tokens). Every log record (message, arguments, traceback) and every URL requested or
redirected to is searched for 11-digit numbers and for the names of the personas used.
"""

import base64
import binascii
import datetime
import json
import logging
import re
from urllib.parse import unquote_plus, urljoin

import pytest
from django.test import Client

from core.localtime import local_today
from registers import idporten
from selfreg.tests.portal import FORM, RECEIPT, START, radio_values, selfreg_on, valid_form
from testidp.tests.browser import LoginBrowser, post_form, query_of
from tests.factories import (
    CloseContactFactory,
    IndexFactory,
    NoteFactory,
    StaffFactory,
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    synthetic_child_of,
    years_ago,
)

ELEVEN_DIGITS = re.compile(r"(?<!\d)\d{11}(?!\d)")
# Names unlike any word the code or its logs might contain by chance.
PARENT = {"first_name": "Hallgerd", "last_name": "Tindevoll"}
CHILD = {"first_name": "Brynjulf"}
CONTACT = {"first_name": "Oddveig", "last_name": "Skarsnes"}
INDEX_PERSON = {"first_name": "Gunnvor", "last_name": "Lysebotn"}
NAMES = ("Hallgerd", "Tindevoll", "Brynjulf", "Oddveig", "Skarsnes", "Gunnvor", "Lysebotn")
PASSWORD = "et langt og trygt passord 42"
# Loggers of the test tools themselves (factory_boy logs each object it builds), not the app's.
TEST_TOOLING = {"factory", "faker"}

# The API registers tests of the last 14 days only (C-7, as the portal does).
RECENT_TEST_DATE = (local_today() - datetime.timedelta(days=1)).isoformat()


# Something that may be a JWT (an ID token, an access token): its header and claims are base64url,
# where a fødselsnummer (ID-porten's `pid`) does not show as 11 digits.
JWT_LIKE = re.compile(r"[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")


def _decoded_segments(text: str) -> list[str]:
    decoded = []
    for match in JWT_LIKE.finditer(text):
        for segment in match.group().split(".")[:2]:
            try:
                raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
                decoded.append(raw.decode("utf-8"))
            except (binascii.Error, UnicodeDecodeError):
                continue
    return decoded


def personal_data_in(text: str) -> list[str]:
    found = ELEVEN_DIGITS.findall(text)
    found += [name for name in NAMES if name.lower() in text.lower()]
    for decoded in _decoded_segments(text):
        found += ELEVEN_DIGITS.findall(decoded)
        found += [name for name in NAMES if name.lower() in decoded.lower()]
    return found


class RecordingClient(Client):
    """A test client that notes every URL it requests and every redirect it is given."""

    def __init__(self, urls: list[str], **defaults):
        super().__init__(**defaults)
        self.urls = urls

    def request(self, **request):
        response = super().request(**request)
        query = request.get("QUERY_STRING", "")
        self.urls.append(request["PATH_INFO"] + (f"?{query}" if query else ""))
        if response.has_header("Location"):
            self.urls.append(response["Location"])
        return response


class RecordingBrowser(LoginBrowser):
    """The scripted OIDC browser, noting every URL and redirect."""

    def __init__(self, base_url: str, urls: list[str]):
        super().__init__(base_url)
        self.urls = urls

    def _note(self, url: str, response):
        self.urls.append(response.request.url)
        if "Location" in response.headers:
            self.urls.append(response.headers["Location"])
        return response

    def get(self, url, **kwargs):
        return self._note(url, super().get(url, **kwargs))

    def post(self, url, data, **kwargs):
        return self._note(url, super().post(url, data, **kwargs))

    def csrf_post(self, url: str, page_html: str, data: dict):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html).group(1)
        return self.post(url, {"csrfmiddlewaretoken": token, **data})


@pytest.fixture
def captured(caplog):
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
def urls() -> list[str]:
    return []


def _citizen_flows(live_server, settings, urls):
    settings.OIDC_DISCOVERY_URL = f"{live_server.url}/testidp/.well-known/openid-configuration"
    settings.OIDC_HTTP_TIMEOUT_SECONDS = 10
    idporten.client_cache_clear()
    selfreg_on("0301")
    parent = SyntheticPersonFactory(**PARENT)
    SyntheticKrrEntryFactory(person=parent)
    synthetic_child_of(parent, birth_date=years_ago(8), **CHILD)
    browser = RecordingBrowser(live_server.url, urls)
    try:
        # A login that fails at the callback (forged state), then the real one.
        callback = browser.submit_fnr(browser.start(f"{START}?kommunenummer=0301"), parent.fnr)
        forged = browser.get("/innlogget/callback/", params={**query_of(callback), "state": "x"})
        assert forged.status_code == 400
        response = browser.login(parent.fnr, f"{START}?kommunenummer=0301")
        assert response.status_code == 302
        for who in ("Meg selv", f"{CHILD['first_name']} {PARENT['last_name']}"):
            start = browser.get(f"{START}?kommunenummer=0301")
            chosen = browser.csrf_post(START, start.text, {"kommunenummer": "0301"})
            who_url = chosen.headers["Location"]
            who_page = browser.get(who_url)
            choice = radio_values(who_page.text, "hvem")[who]
            assert browser.csrf_post(who_url, who_page.text, {"hvem": choice}).status_code == 302
            form = browser.get(FORM)
            invalid = browser.csrf_post(FORM, form.text, valid_form(test_date_from="31.02.2024"))
            assert invalid.status_code == 200
            done = browser.csrf_post(FORM, form.text, valid_form())
            assert done.headers["Location"] == RECEIPT
            assert browser.get(RECEIPT).status_code == 200
        confirm = browser.get("/innlogget/logg-ut/")
        handoff = browser.csrf_post("/innlogget/logg-ut/", confirm.text, {})
        end_session_url, fields = post_form(handoff.text)
        assert "id_token_hint" in fields
        urls.append(end_session_url)
        back = browser.post(end_session_url, fields)
        browser.get(urljoin(live_server.url, back.headers["Location"]))
    finally:
        browser.close()


def _staff_flows(urls):
    StaffFactory(username="sporer", password=PASSWORD, tracer_in=["0301"], admin_in=["0301"])
    index = IndexFactory(
        person__municipality_id="0301", **{f"person__{k}": v for k, v in INDEX_PERSON.items()}
    )
    NoteFactory(index=index, text=f"Ringt {INDEX_PERSON['first_name']}")
    contact_person = SyntheticPersonFactory(**CONTACT)
    new_person = SyntheticPersonFactory(first_name="Gunnvor", last_name="Tindevoll")
    foreign = IndexFactory(person__municipality_id="4601")
    client = RecordingClient(urls)
    login = "/smittesporing/logg-inn/"
    client.post(login, {"username": "sporer", "password": "feil"})
    assert client.post(login, {"username": "sporer", "password": PASSWORD}).status_code == 302
    base = f"/smittesporing/indeks/{index.pk}/"
    for path in ("/smittesporing/", "/smittesporing/arbeidsliste/i-dag/"):
        client.get(path, follow=True)
    client.get("/smittesporing/arbeidsliste/selvregistrerte/")
    # A tracer looks a person up by name in the worklist.
    searched = client.post(
        "/smittesporing/arbeidsliste/i-dag/", {"navn": INDEX_PERSON["last_name"]}
    )
    client.get(searched["Location"])
    client.get(searched["Location"].replace("/i-dag/?", "/i-dag/eksport/?"))
    client.get("/smittesporing/arbeidsliste/i-dag/eksport/")
    # «Finn på fødselsnummer»: a hit, a wrong check digit, another municipality's number.
    finn = "/smittesporing/arbeidsliste/i-dag/finn/"
    for fnr in (index.fnr, index.fnr[:-1] + str((int(index.fnr[-1]) + 1) % 10), foreign.fnr):
        client.post(finn, {"fnr": fnr})
    duplicates = client.post("/smittesporing/arbeidsliste/i-dag/", {"duplikat": "ja"})
    client.get(duplicates["Location"])
    # Bulk actions: the confirmation, the change, and a refusal (another municipality's row).
    bulk = "/smittesporing/arbeidsliste/i-dag/valgte/"
    asked = client.post(
        bulk, {"valgt": [index.pk], "handling": "oppfolging", "oppfolging": "2099-01-01"}
    )
    plan = re.search(r'name="plan" value="([^"]+)"', asked.content.decode()).group(1)
    client.post(bulk, {"plan": plan, "bekreft": "ja"})
    client.post(bulk, {"valgt": [index.pk, foreign.pk], "handling": "avslutt"})
    client.get(base)
    client.post(
        f"{base}notat/", {"title": "Samtale", "text": f"Snakket med {CONTACT['first_name']}"}
    )
    client.post(f"{base}naerkontakt/", {"fnr": contact_person.fnr, "last_contact_on": ""})
    client.post(f"{base}naerkontakt/", {"fnr": "12345678901", "last_contact_on": ""})
    client.post(f"{base}oppfolging/", {"follow_up_on": "2099-01-01"})
    client.post(f"{base}avslutt/")
    client.post(f"{base}gjenapne/")
    client.get(f"/smittesporing/person/{index.person_id}/")
    for contact in index.close_contacts.all():
        client.get(f"/smittesporing/naerkontakt/{contact.pk}/")
    client.get(f"/smittesporing/indeks/{foreign.pk}/")  # another municipality: 404, logged
    register = client.get("/smittesporing/indeks/ny/")
    submission_id = re.search(r'name="submission_id" value="([^"]+)"', register.content.decode())
    client.post(
        "/smittesporing/indeks/ny/",
        {
            "submission_id": submission_id.group(1),
            "fnr": new_person.fnr,
            "kommune": "0301",
            "test_date_from": RECENT_TEST_DATE,
        },
    )
    client.post("/smittesporing/tilgangslogg/", {"fnr": index.fnr})
    client.post("/smittesporing/tilgangslogg/eksport/", {"fnr": index.fnr})
    client.post("/smittesporing/logg-ut/")


def _api_and_administration_flows(urls):
    from accounts.services import api_token_create
    from municipalities.services import municipality_set_status

    admin = StaffFactory(username="forvalter", password=PASSWORD, admin_in=["0301"])
    municipality_set_status(number="0301", is_customer=True, source="command")
    token = api_token_create(municipality_number="0301", label="Fagsystem", created_by=admin)
    api = RecordingClient(urls, headers={"Authorization": f"Bearer {token.secret}"})
    index = IndexFactory(
        person__municipality_id="0301", **{f"person__{k}": v for k, v in INDEX_PERSON.items()}
    )
    contact = CloseContactFactory(index=index, **{f"person__{k}": v for k, v in CONTACT.items()})
    foreign = IndexFactory(person__municipality_id="4601")
    json = "application/json"
    assert api.get("/api/v1/indexes").status_code == 200
    api.get(f"/api/v1/indexes/{index.pk}")
    api.get(f"/api/v1/indexes/{index.pk}/close-contacts")
    api.get(f"/api/v1/close-contacts/{contact.pk}")
    assert api.get(f"/api/v1/indexes/{foreign.pk}").status_code == 404  # logged as denied
    api.post(f"/api/v1/indexes/{index.pk}/notes", {"text": "Ringt Gunnvor"}, content_type=json)
    api.post(f"/api/v1/indexes/{index.pk}/close", content_type=json)
    api.post(f"/api/v1/indexes/{index.pk}/reopen", content_type=json)
    fnr = SyntheticPersonFactory(birth_date=datetime.date(1977, 7, 7)).fnr
    new_person = {**PARENT, "fnr": fnr, "test_date_from": RECENT_TEST_DATE}
    assert api.post("/api/v1/indexes", new_person, content_type=json).status_code == 201
    assert api.post("/api/v1/indexes", new_person, content_type=json).status_code == 409
    bad = {**new_person, "fnr": "12345678901"}
    assert api.post("/api/v1/indexes", bad, content_type=json).status_code == 422
    refused = RecordingClient(urls, headers={"Authorization": "Bearer feil"})
    assert refused.get("/api/v1/indexes").status_code == 401

    client = RecordingClient(urls)
    client.post("/smittesporing/logg-inn/", {"username": "forvalter", "password": PASSWORD})
    client.get("/forvaltning/", follow=True)
    client.post("/forvaltning/0301/selvregistrering/", {"selvregistrering": "on"})
    client.post("/forvaltning/0301/api-nokler/", {"label": "Nytt fagsystem"})
    client.post(f"/forvaltning/0301/api-nokler/{token.token.pk}/tilbakekall/")


@pytest.mark.django_db(transaction=True)
def test_s10_no_fodselsnummer_or_name_in_any_log_line_or_url(live_server, settings, captured, urls):
    _citizen_flows(live_server, settings, urls)
    _staff_flows(urls)
    _api_and_administration_flows(urls)

    assert len(captured.records) > 5, "the flows should have logged something"
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in captured.records:
        if record.name.split(".")[0] in TEST_TOOLING:
            continue
        line = formatter.format(record)  # message with its arguments, and any traceback
        assert not personal_data_in(line), line
    assert len(urls) > 40
    for url in urls:
        assert not personal_data_in(unquote_plus(url)), url


def test_s10_the_search_finds_what_it_should():
    """The check itself: it sees an 11-digit number and a persona's name, nothing else."""
    assert personal_data_in("pid=01018012345 ok") == ["01018012345"]
    assert personal_data_in("navn=hallgerd") == ["Hallgerd"]
    assert personal_data_in("index_id=123 at 2024-01-01 12:00:00.123456") == []


def test_s10_the_search_decodes_tokens():
    """An ID token in a URL or a log line hides its `pid` in base64url: the search decodes it."""

    def segment(value: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    token = f"{segment({'alg': 'RS256'})}.{segment({'pid': '01018012345'})}.c2lnbmF0dXJl"
    assert "01018012345" not in token
    assert personal_data_in(f"/endsession?id_token_hint={token}&x=1") == ["01018012345"]
    name_token = f"{segment({'alg': 'RS256'})}.{segment({'name': 'Hallgerd'})}."
    assert personal_data_in(f"Bearer {name_token}") == ["Hallgerd"]
    assert personal_data_in("reference=AB12CD34 session=abcdefgh.ijklmnop.qrstuvwx") == []
