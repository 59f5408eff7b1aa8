"""Steps and way back («Steg N av 3», «Tilbake»), the warning before the login runs out
(«Du blir snart logget ut», «Forleng økten») and a form sent after it ran out: back, after the
next login, to the same step with the municipality chosen and the answers kept (S5, C-4, C-8)."""

import re
import time

import pytest
from django.conf import settings

from core.sessions import SAVED_AT_KEY
from selfreg.resume import RESUME_KEY
from selfreg.session import LOGIN_AT_KEY, citizen_login, login_time_left
from selfreg.tests.portal import (
    FORM,
    RECEIPT,
    START,
    choose,
    form_url,
    input_value,
    radio_values,
    valid_form,
    who_url,
)
from tests.factories import SyntheticPersonFactory, synthetic_child_of, years_ago
from tracing.models import Index

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

EXTEND = "/innlogget/forleng-okten/"


def _step(html: str) -> str:
    return re.search(r'class="ds-paragraph step__count"[^>]*>([^<]*)<', html).group(1)


def _back(html: str) -> str | None:
    found = re.search(r'<a class="ds-link step__back" href="([^"]*)">Tilbake</a>', html)
    return found.group(1).replace("&amp;", "&") if found else None


def _resume_token(html: str) -> str:
    return input_value(html, "fortsett")


def _login_again(client, pid: str):
    """The next login in the same browser: the OIDC callback's citizen_login on the session the
    browser holds (an anonymous one, after the last login ran out)."""
    session = client.session
    citizen_login(session, pid=pid)
    session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def _logged_out(client) -> None:
    """The login runs out: the session row is gone as an expired one is (S5)."""
    client.session.flush()
    client.cookies.pop(settings.SESSION_COOKIE_NAME, None)


# --- «Steg N av 3» and «Tilbake» --------------------------------------------------------------


def test_each_step_says_where_the_citizen_is_and_links_back(citizen_client, parent):
    client = citizen_client(parent.fnr)
    start = client.get(f"{START}?kommunenummer=0301").content.decode()
    assert _step(start) == "Steg 1 av 3"
    assert _back(start) is None  # nothing before the first step
    who = client.get(who_url()).content.decode()
    assert _step(who) == "Steg 2 av 3"
    assert _back(who) == f"{START}?kommunenummer=0301"
    choose(client)
    form = client.get(form_url()).content.decode()
    assert _step(form) == "Steg 3 av 3"
    assert _back(form) == who_url()


def test_back_from_the_form_keeps_the_child_chosen(citizen_client, parent):
    synthetic_child_of(parent, birth_date=years_ago(9), first_name="Ola")
    client = citizen_client(parent.fnr)
    choose(client, who="Ola Nordmann")
    html = client.get(who_url()).content.decode()
    value = radio_values(html, "hvem")["Ola Nordmann"]
    assert re.search(rf'<input type="radio" name="hvem" value="{value}"[^>]*checked', html)
    # Back in «Velg kommune», the municipality is still chosen.
    start = client.get(_back(html)).content.decode()
    assert re.search(r'<option value="0301"[^>]*selected', start)


def test_the_form_without_a_flow_goes_back_to_who_with_the_municipality(citizen_client, parent):
    client = citizen_client(parent.fnr)
    assert client.get(form_url("0301")).url == who_url("0301")
    assert client.get(f"{FORM}?kommunenummer=x").url == START


# --- the warning and «Forleng økten» ----------------------------------------------------------


def test_login_time_left_is_the_nearer_of_idle_and_absolute_limit():
    now = time.time()

    class Session(dict):
        modified = False

    idle = Session({SAVED_AT_KEY: now - 100, LOGIN_AT_KEY: int(now) - 100})
    left = login_time_left(idle, now=now)
    assert left.extendable
    assert left.seconds == settings.SESSION_COOKIE_AGE - 100
    near_end = Session(
        {
            SAVED_AT_KEY: now,
            LOGIN_AT_KEY: int(now) - settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS + 300,
        }
    )
    left = login_time_left(near_end, now=now)
    assert not left.extendable
    assert 299 <= left.seconds <= 300


def test_every_portal_page_after_login_holds_the_warning(citizen_client, parent):
    client = citizen_client(parent.fnr)
    html = client.get(who_url()).content.decode()
    assert 'id="session-warning"' in html
    assert "Du blir snart logget ut" in html
    assert ">Forleng økten</button>" in html
    seconds = int(re.search(r'data-seconds-left="(\d+)"', html).group(1))
    assert 0 < seconds <= settings.SESSION_COOKIE_AGE
    assert '<script src="/static/js/session-warning.js" defer></script>' in html


def test_no_warning_without_a_login(client):
    html = client.get("/innlogget/logget-ut/").content.decode()
    assert "session-warning" not in html


def test_extend_session_starts_the_idle_timeout_again(citizen_client, parent):
    client = citizen_client(parent.fnr)
    client.get(who_url())
    session = client.session
    session[SAVED_AT_KEY] = time.time() - 25 * 60
    session.save()
    response = client.post(EXTEND, {"next": who_url()}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json()["seconds_left"] >= settings.SESSION_COOKIE_AGE - 5
    assert time.time() - client.session[SAVED_AT_KEY] < 5
    # Without the script: back to the page.
    response = client.post(EXTEND, {"next": who_url()})
    assert response.status_code == 302 and response.url == who_url()
    assert client.post(EXTEND, {"next": "https://evil.example/"}).url == START


def test_extend_session_needs_a_login_and_a_post(client, citizen_client, parent):
    assert client.post(EXTEND).url.startswith("/innlogget/logg-inn/")
    assert citizen_client(parent.fnr).get(EXTEND).status_code == 405


# --- a form sent after the login ran out ------------------------------------------------------


def _form_sent_after_logout(client, **changes):
    choose(client)
    token = _resume_token(client.get(form_url()).content.decode())
    _logged_out(client)
    return client.post(form_url(), {**valid_form(**changes), "fortsett": token})


def test_a_form_sent_after_the_login_ran_out_is_kept_for_the_same_citizen(citizen_client, parent):
    client = citizen_client(parent.fnr)
    response = _form_sent_after_logout(client, workplace_or_school="Fjellet skole")
    assert response.status_code == 302
    assert response.url.startswith("/innlogget/logg-inn/?next=")
    assert "kommunenummer%3D0301" in response.url  # the step, with the municipality
    assert not Index.objects.exists()  # nothing registered without a login (C-1)
    _login_again(client, parent.fnr)
    html = client.get(form_url()).content.decode()
    assert "Det du hadde fylt ut, er tatt vare på" in html
    assert input_value(html, "workplace_or_school") == "Fjellet skole"
    assert 'aria-invalid="true"' not in html  # shown as typed, not judged yet
    # Sending it registers once, in the municipality chosen before.
    assert client.post(form_url(), valid_form()).url == RECEIPT
    index = Index.objects.get()
    assert index.municipality_id == "0301"


def test_kept_answers_go_to_nobody_else(citizen_client, parent):
    client = citizen_client(parent.fnr)
    _form_sent_after_logout(client, workplace_or_school="Fjellet skole")
    assert RESUME_KEY in client.session
    # Someone else logs in on the same computer: the kept form is carried over by the login,
    # and refused by the form, because it was signed for the first citizen.
    _login_again(client, SyntheticPersonFactory().fnr)
    response = client.get(form_url())
    assert response.url == who_url()
    assert RESUME_KEY not in client.session
    html = client.get(who_url()).content.decode()
    assert "Fjellet skole" not in html


def test_a_forged_resume_token_is_ignored(citizen_client, parent):
    client = citizen_client(parent.fnr)
    choose(client)
    _logged_out(client)
    client.post(form_url(), {**valid_form(), "fortsett": "0301:self:forged"})
    _login_again(client, parent.fnr)
    assert client.get(form_url()).url == who_url()


def test_a_form_that_did_register_before_the_login_ran_out_gives_its_receipt(
    citizen_client, parent
):
    client = citizen_client(parent.fnr)
    choose(client)
    token = _resume_token(client.get(form_url()).content.decode())
    assert client.post(form_url(), valid_form()).url == RECEIPT  # registered
    _logged_out(client)
    # The back button, the same form sent again after the login ran out (C-8).
    client.post(form_url(), {**valid_form(), "fortsett": token})
    _login_again(client, parent.fnr)
    assert client.get(form_url()).url == RECEIPT
    assert Index.objects.count() == 1
    assert client.get(RECEIPT).status_code == 200
