"""Citizen login, callback and logout (C-1) against the bundled test IdP (O-5) on live_server."""

import datetime
import re
import socket
import threading
import time
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from accounts.sessions import STAFF_LOGIN_AT_KEY
from registers import idporten
from selfreg.auth_views import DEFAULT_NEXT, safe_next
from selfreg.session import ID_TOKEN_KEY, LOGIN_AT_KEY, PID_KEY, citizen_login, citizen_pid
from selfreg.tests.portal import FORM, RECEIPT, START, choose, radio_values, selfreg_on, valid_form
from testidp import services as testidp_services
from testidp.tests.browser import LoginBrowser, post_form, query_of
from tests.factories import (
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    new_fnr,
    synthetic_child_of,
    years_ago,
)

pytestmark = pytest.mark.django_db

NEXT = "/innlogget/smitte-selvregistrering/hjemmetest?kommunenummer=0301"


@pytest.fixture(autouse=True)
def _fresh_oidc_client():
    idporten.client_cache_clear()
    yield
    idporten.client_cache_clear()


@pytest.fixture
def oidc_live(live_server, settings):
    """Point the OIDC client at the test IdP served by live_server."""
    settings.OIDC_DISCOVERY_URL = f"{live_server.url}/testidp/.well-known/openid-configuration"
    settings.OIDC_HTTP_TIMEOUT_SECONDS = 10
    return live_server


@pytest.fixture
def new_browser(oidc_live):
    """Make scripted browsers against live_server; their connections close after the test."""
    made: list[LoginBrowser] = []

    def make() -> LoginBrowser:
        made.append(LoginBrowser(oidc_live.url))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture
def browser(new_browser):
    return new_browser()


def _session_pid(key: str | None) -> str | None:
    return SessionStore(session_key=key).load().get(PID_KEY) if key else None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The whole flow ---------------------------------------------------------------------------


def test_full_login_lands_on_next_with_the_pid_in_a_new_session(browser, caplog):
    fnr = new_fnr()
    authorization_url = browser.start(NEXT)
    assert urlsplit(authorization_url).path == "/testidp/authorize"
    request = query_of(authorization_url)
    assert request["acr_values"] == "idporten-loa-high"
    assert request["code_challenge_method"] == "S256"
    assert request["scope"] == "openid profile"
    assert request["state"] and request["nonce"] and request["code_challenge"]
    assert request["redirect_uri"] == f"{browser.base_url}/innlogget/callback/"
    key_before = browser.session_key
    assert key_before and _session_pid(key_before) is None

    callback_url = browser.submit_fnr(authorization_url, fnr)
    assert urlsplit(callback_url).path == "/innlogget/callback/"
    response = browser.get(callback_url)

    assert response.status_code == 302
    assert response.headers["Location"] == NEXT
    assert browser.session_pid() == fnr
    # citizen_login cycles the session key: the pre-login id is worthless.
    assert browser.session_key != key_before
    assert _session_pid(key_before) is None
    assert fnr not in caplog.text


@pytest.mark.parametrize("code", ["nn", "en"])
def test_the_language_is_sent_as_ui_locales_and_kept_across_the_round_trip(browser, code):
    browser.get(f"/?lang={code}")
    authorization_url = browser.start(NEXT)
    assert query_of(authorization_url)["ui_locales"] == code
    login_page = browser.get(authorization_url)
    assert f'<html lang="{code}"' in login_page.text
    response = browser.get(browser.submit_fnr(authorization_url, new_fnr()))
    assert response.headers["Location"] == NEXT
    assert f'<html lang="{code}"' in browser.get(NEXT).text


def test_login_when_already_logged_in_goes_straight_to_next(browser):
    browser.login(new_fnr(), NEXT)
    response = browser.get("/innlogget/logg-inn/", params={"next": "/innlogget/annet"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/innlogget/annet"


# --- Failures in the callback: 4xx page, no session login ---------------------------------------


def _assert_refused(browser, response, status: int = 400) -> None:
    assert response.status_code == status
    assert "ikke logget inn" in response.text
    assert browser.session_pid() is None


def test_callback_with_wrong_state_is_refused(browser):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    query = query_of(callback_url)
    response = browser.get("/innlogget/callback/", params={**query, "state": "forged-state"})
    _assert_refused(browser, response)


def test_callback_without_state_is_refused(browser):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    response = browser.get("/innlogget/callback/", params={"code": query_of(callback_url)["code"]})
    _assert_refused(browser, response)


def test_callback_from_another_browser_is_refused(browser, new_browser):
    """S4: the state is bound to the session that started the login (login CSRF)."""
    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    other = new_browser()
    response = other.get(callback_url)
    _assert_refused(other, response)


def test_callback_replayed_after_login_is_refused(browser, new_browser):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    fnr = new_fnr()
    callback_url = browser.submit_fnr(browser.start(NEXT), fnr)
    assert browser.get(callback_url).status_code == 302
    replay = new_browser()
    replay.start(NEXT)
    response = replay.get(callback_url)
    _assert_refused(replay, response)


def test_reused_authorization_code_is_refused(browser, new_browser):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    first_callback = browser.submit_fnr(browser.start(NEXT), new_fnr())
    assert browser.get(first_callback).status_code == 302
    # A second browser starts its own login (a valid state) and presents the spent code.
    attacker = new_browser()
    state = query_of(attacker.start(NEXT))["state"]
    code = query_of(first_callback)["code"]
    response = attacker.get("/innlogget/callback/", params={"code": code, "state": state})
    _assert_refused(attacker, response)


def test_wrong_pkce_verifier_is_refused(browser):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    state = query_of(callback_url)["state"]
    session = SessionStore(session_key=browser.session_key)
    pending_key = f"_state_idporten_{state}"
    pending = session[pending_key]
    pending["data"]["code_verifier"] = "x" * 64
    session[pending_key] = pending
    session.save()
    response = browser.get(callback_url)
    _assert_refused(browser, response)


def test_security_level_substantial_is_refused(browser, monkeypatch):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    real_claims = testidp_services.id_token_claims

    def substantial(**kwargs):
        return {**real_claims(**kwargs), "acr": "idporten-loa-substantial"}

    monkeypatch.setattr(testidp_services, "id_token_claims", substantial)
    response = browser.login(new_fnr(), NEXT)
    _assert_refused(browser, response, status=403)
    assert "høyt sikkerhetsnivå" in response.text


def test_token_without_pid_is_refused(browser, monkeypatch, caplog):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    real_claims = testidp_services.id_token_claims

    def without_pid(**kwargs):
        claims = real_claims(**kwargs)
        del claims["pid"]
        return claims

    monkeypatch.setattr(testidp_services, "id_token_claims", without_pid)
    response = browser.login(new_fnr(), NEXT)
    _assert_refused(browser, response)
    assert "pid_missing" in caplog.text


def test_token_with_invalid_pid_is_refused_and_not_logged(browser, monkeypatch, caplog):
    """S4: refused with 4xx and no session (see selfreg/tests/test_oidc_negative.py)."""
    fnr = new_fnr()
    broken = fnr[:10] + str((int(fnr[10]) + 1) % 10)
    real_claims = testidp_services.id_token_claims

    def broken_pid(**kwargs):
        return {**real_claims(**kwargs), "pid": broken}

    monkeypatch.setattr(testidp_services, "id_token_claims", broken_pid)
    response = browser.login(fnr, NEXT)
    _assert_refused(browser, response)
    assert "pid_invalid" in caplog.text
    assert broken not in caplog.text and fnr not in caplog.text


def test_cancel_at_the_provider_shows_a_clear_page(browser):
    callback_url = browser.submit_fnr(browser.start(NEXT), "", cancel=True)
    assert query_of(callback_url)["error"] == "access_denied"
    response = browser.get(callback_url)
    _assert_refused(browser, response)
    assert "Innloggingen ble avbrutt" in response.text


# --- Provider down (R4) --------------------------------------------------------------------------
# R4: the identity provider times out or answers 500: a clear page (measured; the timeouts make
# it come within 10 s, but the tests do not assert on time), no session login anywhere, and a
# log line with the reason and no fødselsnummer.


def _no_citizen_session_anywhere() -> bool:
    from django.contrib.sessions.models import Session

    return all(PID_KEY not in s.get_decoded() for s in Session.objects.all())


def _timed(record_property, call):
    started = time.monotonic()
    response = call()
    record_property("seconds", round(time.monotonic() - started, 2))
    return response


def _assert_provider_failure(response, status: int, heading: str, caplog, reason: str) -> None:
    body = response.content.decode() if hasattr(response, "content") else response.text
    assert response.status_code == status
    assert heading in body
    assert "ikke logget inn" in body or "kan ikke logge inn" in body
    assert _no_citizen_session_anywhere()
    failures = [r for r in caplog.records if "citizen login failed" in r.getMessage()]
    assert failures and reason in failures[0].getMessage(), caplog.text
    assert not re.search(r"\b\d{11}\b", caplog.text)


def test_r4_idp_unreachable_gives_503_and_no_session(client, settings, caplog, record_property):
    settings.OIDC_DISCOVERY_URL = (
        f"http://127.0.0.1:{_closed_port()}/testidp/.well-known/openid-configuration"
    )
    settings.OIDC_HTTP_TIMEOUT_SECONDS = 2
    response = _timed(record_property, lambda: client.get(reverse("selfreg:login"), {"next": NEXT}))
    _assert_provider_failure(
        response, 503, "ID-porten svarer ikke", caplog, "discovery_unreachable"
    )
    assert citizen_pid(client.session) is None


def test_r4_idp_timeout_at_discovery_gives_503(client, settings, caplog, record_property):
    with socket.socket() as silent:  # accepts connections (backlog), never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        settings.OIDC_DISCOVERY_URL = f"http://127.0.0.1:{port}/.well-known/openid-configuration"
        settings.OIDC_HTTP_TIMEOUT_SECONDS = 1
        response = _timed(
            record_property, lambda: client.get(reverse("selfreg:login"), {"next": NEXT})
        )
    _assert_provider_failure(response, 503, "ID-porten svarer ikke", caplog, "discovery_timeout")
    assert citizen_pid(client.session) is None


def test_r4_idp_discovery_answers_500_gives_502(client, settings, caplog, record_property):
    from registers.tests.fake_servers import FakeRegisterServer

    server = FakeRegisterServer().start()  # answers 500 to anything
    server.answer_status(500)
    try:
        settings.OIDC_DISCOVERY_URL = f"{server.url}/.well-known/openid-configuration"
        response = _timed(
            record_property, lambda: client.get(reverse("selfreg:login"), {"next": NEXT})
        )
    finally:
        server.stop()
    _assert_provider_failure(response, 502, "Feil fra ID-porten", caplog, "discovery_http_500")


def test_r4_idp_token_endpoint_answers_500_gives_502(browser, monkeypatch, caplog, record_property):
    def broken(**kwargs):
        raise RuntimeError("token store unavailable")

    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    monkeypatch.setattr("testidp.views.authorization_code_redeem", broken)
    response = _timed(record_property, lambda: browser.get(callback_url))
    _assert_provider_failure(response, 502, "Feil fra ID-porten", caplog, "token_http_500")
    assert browser.session_pid() is None


def test_r4_idp_token_endpoint_timeout_gives_503(
    browser, settings, monkeypatch, caplog, record_property
):
    settings.OIDC_HTTP_TIMEOUT_SECONDS = 1
    released = threading.Event()

    def slow(**kwargs):
        released.wait(5)  # longer than the client waits; released when the test is done
        raise RuntimeError("too late")

    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    monkeypatch.setattr("testidp.views.authorization_code_redeem", slow)
    try:
        response = _timed(record_property, lambda: browser.get(callback_url))
    finally:
        released.set()
    _assert_provider_failure(response, 503, "ID-porten svarer ikke", caplog, "token_timeout")
    assert browser.session_pid() is None


def test_r4_idp_jwks_answers_500_gives_502(browser, monkeypatch, caplog, record_property):
    def broken():
        raise RuntimeError("key store unavailable")

    callback_url = browser.submit_fnr(browser.start(NEXT), new_fnr())
    monkeypatch.setattr("testidp.views.public_jwks", broken)
    response = _timed(record_property, lambda: browser.get(callback_url))
    _assert_provider_failure(response, 502, "Feil fra ID-porten", caplog, "jwks_http_500")
    assert browser.session_pid() is None


def test_provider_with_wrong_discovery_document_gives_502(client, settings, oidc_live):
    # The JWKS document is JSON, but not discovery metadata (no issuer).
    settings.OIDC_DISCOVERY_URL = f"{oidc_live.url}/testidp/jwks"
    response = client.get(reverse("selfreg:login"), {"next": NEXT})
    assert response.status_code == 502
    assert citizen_pid(client.session) is None


# --- ?next= -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("/innlogget/annet?a=1", "/innlogget/annet?a=1"),
        (None, DEFAULT_NEXT),
        ("", DEFAULT_NEXT),
        ("//evil.example/", DEFAULT_NEXT),
        ("https://evil.example/", DEFAULT_NEXT),
        ("/\\evil.example/", DEFAULT_NEXT),
        ("innlogget/annet", DEFAULT_NEXT),
        ("javascript:alert(1)", DEFAULT_NEXT),
        ("/innlogget/\nSet-Cookie: x", DEFAULT_NEXT),
        ("/" + "a" * 3000, DEFAULT_NEXT),
    ],
)
def test_only_a_local_path_is_honoured_as_next(raw, expected):
    assert safe_next(raw) == expected


def test_login_view_honours_only_local_next(citizen_client):
    client = citizen_client(new_fnr())
    response = client.get(reverse("selfreg:login"), {"next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == DEFAULT_NEXT


def test_unsafe_next_is_not_carried_through_the_flow(browser):
    response = browser.login(new_fnr(), "//evil.example/")
    assert response.status_code == 302
    assert response.headers["Location"] == DEFAULT_NEXT


# --- Logout -------------------------------------------------------------------------------------


def test_logout_flushes_the_session_and_posts_the_id_token_to_end_session(browser):
    """RP-initiated logout (C-1) as a form POST: the ID token, which holds the fødselsnummer,
    goes in the request body to the provider, never in a URL (browser history, access logs)."""
    browser.login(new_fnr(), NEXT)
    logged_in_key = browser.session_key
    id_token = SessionStore(session_key=logged_in_key)[ID_TOKEN_KEY]
    confirm = browser.get("/innlogget/logg-ut/")
    assert confirm.status_code == 200
    action, fields = post_form(confirm.text)
    assert action == "/innlogget/logg-ut/"
    assert "csrfmiddlewaretoken" in fields

    response = browser.post(action, fields)

    assert response.status_code == 200
    assert "Location" not in response.headers
    assert id_token not in response.url
    end_session_url, handoff = post_form(response.text)
    assert end_session_url == f"{browser.base_url}/testidp/endsession"
    assert handoff == {
        "id_token_hint": id_token,
        "client_id": django_settings.OIDC_CLIENT_ID,
        "post_logout_redirect_uri": f"{browser.base_url}/innlogget/logget-ut/",
    }
    assert "data-autosubmit" in response.text
    # The page's form may post to the provider, and only there besides this site.
    csp = response.headers["Content-Security-Policy"]
    assert f"form-action 'self' {browser.base_url}" in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert _session_pid(logged_in_key) is None
    assert not SessionStore().exists(logged_in_key)
    # The provider sends the citizen back to our "Du er logget ut" page.
    back = browser.post(end_session_url, handoff)
    assert back.status_code == 302
    assert urlsplit(back.headers["Location"]).path == "/innlogget/logget-ut/"
    assert id_token not in back.headers["Location"]
    page = browser.get(back.headers["Location"])
    assert page.status_code == 200
    assert "Du er logget ut" in page.text


def test_logout_needs_csrf_token(citizen_client):
    pid = new_fnr()
    logged_in = citizen_client(pid)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = logged_in.cookies
    response = strict.post(reverse("selfreg:logout"))
    assert response.status_code == 403
    assert citizen_pid(strict.session) == pid


def test_logout_without_provider_still_ends_the_local_session(citizen_client, settings):
    settings.OIDC_DISCOVERY_URL = (
        f"http://127.0.0.1:{_closed_port()}/testidp/.well-known/openid-configuration"
    )
    client = citizen_client(new_fnr())
    session = client.session
    session[ID_TOKEN_KEY] = "a.b.c"
    session.save()
    key = session.session_key
    response = client.post(reverse("selfreg:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("selfreg:logged_out")
    assert not SessionStore().exists(key)


def test_logout_get_when_not_logged_in_shows_logged_out(client):
    response = client.get(reverse("selfreg:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("selfreg:logged_out")


def test_logged_out_page_says_so(client):
    response = client.get(reverse("selfreg:logged_out"))
    assert response.status_code == 200
    assert "Du er logget ut" in response.content.decode()


# --- Idle timeout -------------------------------------------------------------------------------


def _logged_in(client) -> bool:
    """The logout page answers 200 only to a logged-in citizen (else it redirects)."""
    return client.get(reverse("selfreg:logout")).status_code == 200


def test_session_idle_longer_than_the_timeout_is_logged_out(citizen_client):
    client = citizen_client(new_fnr())
    key = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    idle = datetime.timedelta(seconds=django_settings.SESSION_IDLE_TIMEOUT_SECONDS)
    assert idle == datetime.timedelta(minutes=30)
    with freeze_time(timezone.now() + idle + datetime.timedelta(minutes=1)):
        assert _session_pid(key) is None
        assert not _logged_in(client)


def test_activity_within_the_timeout_keeps_the_session(citizen_client):
    client = citizen_client(new_fnr())
    start = timezone.now()
    with freeze_time(start + datetime.timedelta(minutes=20)):
        assert _logged_in(client)
    with freeze_time(start + datetime.timedelta(minutes=40)):
        assert _logged_in(client)
    with freeze_time(start + datetime.timedelta(minutes=75)):
        assert not _logged_in(client)


# --- private_key_jwt: the token request signed with the organisation's key ---------------------


def test_full_login_with_private_key_jwt(browser, settings, organisation_key, caplog):
    from testidp.models import UsedAssertion

    settings.OIDC_CLIENT_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KID = organisation_key.kid
    settings.OIDC_CLIENT_KEY = organisation_key.as_pem(private=True).decode()
    settings.OIDC_CLIENT_KEY_FILE = ""
    settings.OIDC_CLIENT_SECRET = "not-the-secret"  # refused anyway: the client uses its key
    idporten.client_cache_clear()
    fnr = new_fnr()

    response = browser.login(fnr, NEXT)

    assert response.status_code == 302
    assert response.headers["Location"] == NEXT
    assert browser.session_pid() == fnr
    assert UsedAssertion.objects.count() == 1  # the client assertion, verified and spent
    assert fnr not in caplog.text


# --- A second login in the same browser ---------------------------------------------------------


def _csrf_post(browser, url: str, page_html: str, data: dict):
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html).group(1)
    return browser.post(url, {"csrfmiddlewaretoken": token, **data})


def _register_child(browser, child_label: str) -> str:
    """Walk the portal for the logged-in citizen's child to the receipt; returns its page."""
    start = browser.get(f"{START}?kommunenummer=0301")
    who_url = _csrf_post(browser, START, start.text, {"kommunenummer": "0301"}).headers["Location"]
    who_page = browser.get(who_url)
    choice = radio_values(who_page.text, "hvem")[child_label]
    assert _csrf_post(browser, who_url, who_page.text, {"hvem": choice}).status_code == 302
    form = browser.get(FORM)
    assert _csrf_post(browser, FORM, form.text, valid_form()).headers["Location"] == RECEIPT
    return browser.get(RECEIPT).text


def test_a_second_login_in_another_tab_does_not_inherit_the_first_citizens_session(browser):
    """Two tabs start a login; the first citizen logs in and registers their child; then the
    second tab's login comes back. It used to log the second citizen into the first one's
    session, whose receipt showed the first citizen's child. The citizen's login empties the
    session, so the second tab's pending login is spent with it: refused, and nobody is
    logged in with another citizen's data."""
    selfreg_on("0301")
    parent = SyntheticPersonFactory(first_name="Kari", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=parent)
    synthetic_child_of(parent, birth_date=years_ago(8), first_name="Brynjulf")
    other = SyntheticPersonFactory(first_name="Oddveig", last_name="Skarsnes")
    next_path = f"{START}?kommunenummer=0301"

    first_tab = browser.start(next_path)
    second_tab = browser.start(next_path)
    assert browser.get(browser.submit_fnr(first_tab, parent.fnr)).status_code == 302
    assert "Brynjulf" in _register_child(browser, "Brynjulf Nordmann")

    late = browser.get(browser.submit_fnr(second_tab, other.fnr))

    assert late.status_code == 400
    assert browser.session_pid() == parent.fnr
    sessions = [SessionStore(session_key=row.session_key).load() for row in Session.objects.all()]
    assert not [data for data in sessions if data.get(PID_KEY) == other.fnr]


def test_a_new_citizen_login_empties_the_session(citizen_client, settings):
    """Whatever the session held (a citizen's chosen person and receipt, a staff login), the
    next citizen starts with nothing of it, under a new session id."""
    selfreg_on("0301")
    parent = SyntheticPersonFactory(first_name="Kari", last_name="Nordmann")
    SyntheticKrrEntryFactory(person=parent)
    synthetic_child_of(parent, birth_date=years_ago(8), first_name="Brynjulf")
    client = citizen_client(parent.fnr)
    choose(client, who="Brynjulf Nordmann")
    assert client.post(FORM, valid_form()).url == RECEIPT
    assert "Brynjulf" in client.get(RECEIPT).content.decode()
    session = client.session
    session[STAFF_LOGIN_AT_KEY] = 1
    session.save()
    old_key = session.session_key

    other = new_fnr()
    citizen_login(session, pid=other)
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key

    assert session.session_key != old_key
    assert dict(session.items()).keys() == {PID_KEY, LOGIN_AT_KEY, ID_TOKEN_KEY}
    assert session[PID_KEY] == other
    assert not SessionStore().exists(old_key)
    receipt = client.get(RECEIPT)
    assert "Brynjulf" not in receipt.content.decode()
    assert receipt.status_code == 302
