"""R1: 50 simultaneous identical submissions for one person, over real HTTP against a threaded
live server on PostgreSQL (C-8, D-3).

Two shapes of "the same submission 50 times":
- the same form in one browser session, sent 50 times at once (a frantic double click, a proxy
  retrying): one index, and every answer is the receipt;
- the same person in 50 sessions, each with its own form (50 devices, or a script): one index,
  one receipt, and 49 answers "allerede registrert".

Zero 5xx in either. What holds it is in the database: the PersonLock row locked with SELECT ...
FOR UPDATE orders the registrations of one person, and the partial unique index
one_active_index_per_fnr refuses a second active index (tracing.services.index_register).
"""

import re
import threading
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection

from selfreg.session import citizen_login
from selfreg.tests.portal import (
    FORM,
    RECEIPT,
    form_url,
    radio_values,
    selfreg_on,
    valid_form,
    who_url,
)
from tests.factories import SyntheticKrrEntryFactory, SyntheticPersonFactory
from tracing.models import Index, Note, Person

SUBMISSIONS = 50
TIMEOUT_SECONDS = 60
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def portal_live(postgres_only, live_server, settings):
    """The portal on a threaded live server. Rate limits (S9) are off: they would answer 429
    to a burst like this one, and are tested on their own."""
    settings.RATE_LIMIT_ENABLED = False
    selfreg_on("0301")
    return live_server


def citizen_session_key(pid: str) -> str:
    """A logged-in citizen session in the database, as the OIDC callback leaves it."""
    session = SessionStore()
    session.create()
    citizen_login(session, pid=pid)
    session.save()
    return session.session_key


class Browser:
    """One browser: a cookie jar and a connection of its own; redirects are not followed."""

    def __init__(self, base_url: str, cookies: dict[str, str]):
        self.base_url = base_url
        self.http = requests.Session()
        for name, value in cookies.items():
            self.http.cookies.set(name, value)

    def get(self, path: str) -> requests.Response:
        return self.http.get(
            urljoin(self.base_url, path), allow_redirects=False, timeout=TIMEOUT_SECONDS
        )

    def post(self, path: str, data: dict) -> requests.Response:
        return self.http.post(
            urljoin(self.base_url, path),
            data=data,
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
            headers={"Referer": urljoin(self.base_url, path)},
        )

    def cookies(self) -> dict[str, str]:
        return {cookie.name: cookie.value for cookie in self.http.cookies}

    def to_the_form(self) -> str:
        """Walk "who" (as "Meg selv") to the form; returns the form's CSRF token."""
        page = self.get(who_url())
        assert page.status_code == 200, page.text[:300]
        token = CSRF_FIELD.search(page.text).group(1)
        choice = radio_values(page.text, "hvem")["Meg selv"]
        chosen = self.post(who_url(), {"hvem": choice, "csrfmiddlewaretoken": token})
        assert chosen.status_code == 302 and chosen.headers["Location"] == form_url()
        form = self.get(FORM)
        assert form.status_code == 200, form.text[:300]
        return CSRF_FIELD.search(form.text).group(1)

    def close(self) -> None:
        self.http.close()


def answer_of(response: requests.Response) -> str:
    if response.status_code == 302 and response.headers.get("Location") == RECEIPT:
        return "receipt"
    if response.status_code == 200 and "allerede registrert" in response.text:
        return "already registered"
    return f"HTTP {response.status_code}: {response.text[:200]!r}"


def race(browsers: list[Browser], forms: list[dict]) -> list[str]:
    """POST each form from its browser, all released at the same moment."""
    barrier = threading.Barrier(len(browsers))
    answers: list[str] = []
    lock = threading.Lock()

    def submit(browser: Browser, form: dict) -> None:
        try:
            barrier.wait(timeout=TIMEOUT_SECONDS)
            answer = answer_of(browser.post(FORM, form))
        except Exception as exc:  # a dropped connection counts as a failure, not a crash
            answer = f"error {type(exc).__name__}"
        with lock:
            answers.append(answer)

    threads = [
        threading.Thread(target=submit, args=pair) for pair in zip(browsers, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT_SECONDS * 2)
    for browser in browsers:
        browser.close()
    return answers


def new_citizen() -> str:
    person = SyntheticPersonFactory()
    SyntheticKrrEntryFactory(person=person)
    return person.fnr


@pytest.mark.django_db(transaction=True)
def test_r1_fifty_copies_of_one_form_at_once_register_once(portal_live):
    """R1 (same session): one index, two notes, 50 receipts, no 5xx."""
    fnr = new_citizen()
    key = citizen_session_key(fnr)
    first = Browser(portal_live.url, {django_settings.SESSION_COOKIE_NAME: key})
    token = first.to_the_form()
    cookies = first.cookies()
    first.close()
    form = valid_form(csrfmiddlewaretoken=token)
    browsers = [Browser(portal_live.url, cookies) for _ in range(SUBMISSIONS)]
    for browser in browsers:
        # Open each browser's (kept-alive) connection first: 50 new connections at once would
        # overflow the test server's listen backlog of 10, which says nothing about the app.
        assert browser.get("/innlogget/logget-ut/").status_code == 200

    answers = race(browsers, [form] * SUBMISSIONS)

    assert len(answers) == SUBMISSIONS
    assert answers == ["receipt"] * SUBMISSIONS, sorted(set(answers))
    assert Index.objects.filter(fnr=fnr).count() == 1
    assert Person.objects.filter(fnr=fnr).count() == 1
    assert Note.objects.filter(index__fnr=fnr).count() == 2
    receipt = Browser(portal_live.url, cookies)
    assert "Skjemaet er registrert" in receipt.get(RECEIPT).text
    receipt.close()
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_r1_fifty_sessions_of_one_person_at_once_register_once(portal_live):
    """R1 (50 sessions): one index, one receipt, 49 "allerede registrert", no 5xx."""
    fnr = new_citizen()
    browsers, forms = [], []
    for _ in range(SUBMISSIONS):
        key = citizen_session_key(fnr)
        browser = Browser(portal_live.url, {django_settings.SESSION_COOKIE_NAME: key})
        forms.append(valid_form(csrfmiddlewaretoken=browser.to_the_form()))
        browsers.append(browser)

    answers = race(browsers, forms)

    assert len(answers) == SUBMISSIONS
    assert answers.count("receipt") == 1, sorted(set(answers))
    assert answers.count("already registered") == SUBMISSIONS - 1, sorted(set(answers))
    assert Index.objects.filter(fnr=fnr).count() == 1
    assert Person.objects.filter(fnr=fnr).count() == 1
    assert Note.objects.filter(index__fnr=fnr).count() == 2
    connection.close()
