"""S5: sessions of citizens and staff.

- a new session id at login (a planted id is worthless) and a new CSRF token;
- logout deletes the session on the server (the old id loads nothing);
- idle timeout 30 minutes (the session's expiry, pushed forward by activity, written at most
  once a minute when nothing else changed: core.sessions);
- absolute timeout 120 minutes from login, however active (core.middleware);
- cookies HttpOnly and SameSite=Lax here; Secure in production (test_production_checks.py).

The OIDC login itself (a new session id through the real flow) is in
selfreg/tests/test_auth_views.py; here the citizen logs in as the callback does.
"""

import datetime

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from freezegun import freeze_time

from accounts.sessions import STAFF_LOGIN_AT_KEY
from selfreg.session import PID_KEY
from selfreg.tests.portal import choose, selfreg_on
from tests.factories import StaffFactory, SyntheticPersonFactory, new_fnr

pytestmark = pytest.mark.django_db

PASSWORD = "et-langt-testpassord"
STAFF_LOGIN = "/smittesporing/logg-inn/"
STAFF_LOGOUT = "/smittesporing/logg-ut/"
STAFF_PAGE = "/smittesporing/arbeidsliste/i-dag/"
CITIZEN_LOGOUT = "/innlogget/logg-ut/"
CITIZEN_PAGE = "/innlogget/smitte-selvregistrering/hjemmetest"
MINUTE = datetime.timedelta(minutes=1)


def session_key(client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def loads(key: str) -> dict:
    """What the server has under this session id (empty if none or expired)."""
    return dict(SessionStore(session_key=key).load())


def planted_session(client) -> str:
    """An attacker's session id, set in the victim's browser before login (fixation)."""
    session = SessionStore()
    session["planted"] = True
    session.create()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return session.session_key


def staff_logged_in(client) -> bool:
    return client.get(STAFF_PAGE).status_code == 200


def citizen_logged_in(client) -> bool:
    """The logout page answers 200 only to a logged-in citizen (else it redirects)."""
    return client.get(CITIZEN_LOGOUT).status_code == 200


@pytest.fixture
def tracer(db):
    return StaffFactory(username="kari", password=PASSWORD, tracer_in=["0301"])


def staff_login(client) -> None:
    response = client.post(STAFF_LOGIN, {"username": "kari", "password": PASSWORD})
    assert response.status_code == 302


# --- new session id at login ------------------------------------------------------------------


def test_s5_staff_login_issues_a_new_session_id_and_csrf_token(client, tracer):
    planted = planted_session(client)
    client.get(STAFF_LOGIN)
    csrf_before = client.cookies[django_settings.CSRF_COOKIE_NAME].value
    staff_login(client)
    assert session_key(client) != planted
    assert loads(planted) == {}  # the planted id is worth nothing
    assert loads(session_key(client))[SESSION_KEY] == str(tracer.pk)
    assert client.cookies[django_settings.CSRF_COOKIE_NAME].value != csrf_before


def test_s5_citizen_login_issues_a_new_session_id_and_csrf_token(client, monkeypatch):
    """The OIDC callback (selfreg.auth_views.callback) with a completed login: the planted
    session id and the CSRF token from before the login are both replaced."""
    from registers import idporten

    pid = new_fnr()
    planted = planted_session(client)
    planted_csrf = "A" * 32
    client.cookies[django_settings.CSRF_COOKIE_NAME] = planted_csrf
    monkeypatch.setattr(
        idporten,
        "login_complete",
        lambda **kwargs: idporten.CitizenLogin(pid=pid, id_token="a.b.c", next_path=CITIZEN_PAGE),
    )
    response = client.get("/innlogget/callback/", {"code": "x", "state": "y"})
    assert response.status_code == 302
    assert session_key(client) != planted
    assert loads(planted) == {}
    assert loads(session_key(client))[PID_KEY] == pid
    assert client.cookies[django_settings.CSRF_COOKIE_NAME].value != planted_csrf


# --- logout kills the server-side session -------------------------------------------------------


def test_s5_staff_logout_deletes_the_session_on_the_server(client, tracer):
    staff_login(client)
    key = session_key(client)
    assert loads(key)
    client.post(STAFF_LOGOUT)
    assert loads(key) == {}
    assert not SessionStore().exists(key)
    # The old cookie, replayed, no longer logs anyone in.
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert replay.get(STAFF_PAGE).status_code == 302


def test_s5_citizen_logout_deletes_the_session_on_the_server(citizen_client, settings):
    settings.OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    client = citizen_client(new_fnr())
    key = session_key(client)
    assert citizen_logged_in(client)
    client.post(CITIZEN_LOGOUT)
    assert not SessionStore().exists(key)
    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = key
    assert not citizen_logged_in(replay)


# --- idle timeout 30 minutes ------------------------------------------------------------------


def test_s5_idle_timeout_is_30_minutes():
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert django_settings.SESSION_TOUCH_INTERVAL_SECONDS == 60
    assert django_settings.SESSION_ENGINE == "core.sessions"


def stored_expiry(key: str) -> datetime.datetime:
    return Session.objects.get(session_key=key).expire_date


def test_s5_requests_within_a_minute_do_not_rewrite_the_session(citizen_client):
    start = timezone.now()
    with freeze_time(start):
        client = citizen_client(new_fnr())
    key = session_key(client)
    written = stored_expiry(key)
    with (
        freeze_time(start + datetime.timedelta(seconds=50)),
        CaptureQueriesContext(connection) as queries,
    ):
        assert citizen_logged_in(client)
    assert stored_expiry(key) == written
    assert not [q for q in queries.captured_queries if "django_session" in q["sql"]
                and q["sql"].startswith("UPDATE")]  # fmt: skip


def test_s5_activity_after_a_minute_pushes_the_expiry_forward(citizen_client):
    start = timezone.now()
    with freeze_time(start):
        client = citizen_client(new_fnr())
    key = session_key(client)
    later = start + datetime.timedelta(seconds=70)
    with freeze_time(later):
        assert citizen_logged_in(client)
        cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert stored_expiry(key) == later + datetime.timedelta(minutes=30)
    assert cookie["max-age"] == 30 * 60  # the browser's cookie is renewed with it


def test_s5_a_changed_session_is_saved_at_once(citizen_client):
    """Touching is only for unchanged sessions: what a page writes is never held back."""
    selfreg_on("0301")
    person = SyntheticPersonFactory()
    start = timezone.now()
    with freeze_time(start):
        client = citizen_client(person.fnr)
    key = session_key(client)
    with freeze_time(start + datetime.timedelta(seconds=5)):
        assert choose(client).status_code == 302  # "who" starts the flow in the session
    assert "selfreg_flow" in loads(key)
    assert stored_expiry(key) == start + datetime.timedelta(seconds=5, minutes=30)


def test_s5_staff_idle_for_31_minutes_is_logged_out(client, tracer):
    start = timezone.now()
    with freeze_time(start):
        staff_login(client)
    with freeze_time(start + 29 * MINUTE):
        assert staff_logged_in(client)  # activity pushes the expiry forward
    with freeze_time(start + 58 * MINUTE):
        assert staff_logged_in(client)
    with freeze_time(start + 89 * MINUTE):
        assert not staff_logged_in(client)


def test_s5_citizen_idle_for_31_minutes_is_logged_out(citizen_client):
    start = timezone.now()
    with freeze_time(start):
        client = citizen_client(new_fnr())
    with freeze_time(start + 29 * MINUTE):
        assert citizen_logged_in(client)
    with freeze_time(start + 60 * MINUTE + MINUTE):
        assert not citizen_logged_in(client)


# --- absolute timeout 120 minutes ---------------------------------------------------------------


def test_s5_absolute_timeout_is_120_minutes():
    assert django_settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS == 120 * 60


def test_s5_staff_login_ends_after_120_minutes_however_active(client, tracer):
    start = timezone.now()
    with freeze_time(start):
        staff_login(client)
    key = session_key(client)
    for minutes in range(20, 120, 20):  # a request every 20 minutes: never idle
        with freeze_time(start + minutes * MINUTE):
            assert staff_logged_in(client), minutes
    with freeze_time(start + 119 * MINUTE):
        assert staff_logged_in(client)
    with freeze_time(start + 121 * MINUTE):
        assert not staff_logged_in(client)
        assert not SessionStore().exists(key)


def test_s5_citizen_login_ends_after_120_minutes_however_active(citizen_client):
    start = timezone.now()
    with freeze_time(start):
        client = citizen_client(new_fnr())
    key = session_key(client)
    for minutes in range(20, 120, 20):
        with freeze_time(start + minutes * MINUTE):
            assert citizen_logged_in(client), minutes
    with freeze_time(start + 121 * MINUTE):
        assert not citizen_logged_in(client)
        assert not SessionStore().exists(key)


def test_s5_every_staff_login_records_its_time(client, tracer):
    """The absolute limit needs the login time: the back-office login and force_login (and so
    Django's admin login) all store it, through django.contrib.auth's user_logged_in."""
    with freeze_time("2024-03-01 08:00:00"):
        staff_login(client)
        assert loads(session_key(client))[STAFF_LOGIN_AT_KEY] == int(
            datetime.datetime(2024, 3, 1, 8, tzinfo=datetime.UTC).timestamp()
        )
    other = Client()
    other.force_login(tracer)
    assert STAFF_LOGIN_AT_KEY in other.session


def test_s5_a_login_without_a_login_time_is_ended(client, tracer):
    """Fail closed: a session that says who is logged in but not since when is not trusted."""
    client.force_login(tracer)
    session = client.session
    del session[STAFF_LOGIN_AT_KEY]
    session.save()
    assert not staff_logged_in(client)


# --- cookie flags -------------------------------------------------------------------------------


def test_s5_session_and_csrf_cookies_are_httponly_and_samesite_lax(client, tracer):
    client.get(STAFF_LOGIN)
    staff_login(client)
    for name in (django_settings.SESSION_COOKIE_NAME, django_settings.CSRF_COOKIE_NAME):
        cookie = client.cookies[name]
        assert cookie["httponly"] is True, name
        assert cookie["samesite"] == "Lax", name
    # Outside production the cookies also work over plain http; production sets Secure
    # (smittesporing/tests/test_production_checks.py).
    assert django_settings.SESSION_COOKIE_SECURE is False
