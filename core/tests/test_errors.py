"""Norwegian error pages (core/errors.py) and R3: the database failing in the middle
of a submission.

R3 fails every query of a normal self-registration in turn, and every commit, and checks for
each: a clear Norwegian page (503) with a reference number that the log carries with the
exception type (never the message), no stack trace, no partial rows, and a retry of the same
form that registers exactly once.
"""

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client

from selfreg.session import citizen_login
from selfreg.tests.portal import FORM, RECEIPT, choose, form_url, selfreg_on, valid_form, who_url
from tests.factories import (
    IndexFactory,
    PersonFactory,
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
    years_ago,
)
from tracing.models import Index, Note, Person, PersonLock

REFERENCE = re.compile(r'class="error-reference">([0-9A-F]{8})<')


class DatabaseFault:
    """An execute_wrapper that counts queries and makes query number `fail_at` raise an
    OperationalError, as a dropped connection does; with `dead`, every later query too.

    The error's message quotes a fødselsnummer, as a real database error can quote a row: it
    must reach neither the page nor the log."""

    def __init__(self, *, fail_at: int | None = None, dead: bool = False, quoted: str = ""):
        self.fail_at = fail_at
        self.dead = dead
        self.quoted = quoted
        self.count = 0
        self.failed = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.fail_at is not None and (
            self.count == self.fail_at or (self.dead and self.count > self.fail_at)
        ):
            self.failed += 1
            raise OperationalError(f"server closed the connection unexpectedly ({self.quoted})")
        return execute(sql, params, many, context)


@contextmanager
def commit_fails(*, fail_at: int, quoted: str) -> Iterator[list[int]]:
    """Make the `fail_at`-th commit of the connection raise (and so roll back)."""
    real_commit = connection._commit
    seen = [0]

    def commit():
        seen[0] += 1
        if seen[0] == fail_at:
            raise OperationalError(f"could not commit ({quoted})")
        return real_commit()

    connection._commit = commit
    try:
        yield seen
    finally:
        del connection._commit


def logged_in_citizen(pid: str) -> Client:
    """A client that sees the error pages (no re-raised exceptions), logged in as `pid`."""
    client = Client(raise_request_exception=False)
    session = SessionStore()
    session.create()
    citizen_login(session, pid=pid)
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return client


_born = itertools.count()


def new_citizen_at_the_form() -> tuple[str, Client]:
    # One birth date each: one date has only a few hundred synthetic numbers.
    person = SyntheticPersonFactory(birth_date=years_ago(30, days=next(_born)))
    SyntheticKrrEntryFactory(person=person)
    client = logged_in_citizen(person.fnr)
    assert choose(client).url == form_url()
    assert client.get(FORM).status_code == 200
    return person.fnr, client


def rows(fnr: str) -> tuple[int, int, int, int]:
    """Persons, indexes, notes and lock rows for this number."""
    return (
        Person.objects.filter(fnr=fnr).count(),
        Index.objects.filter(fnr=fnr).count(),
        Note.objects.filter(index__fnr=fnr).count(),
        PersonLock.objects.filter(fnr=fnr).count(),
    )


NOTHING = (0, 0, 0, 0)
REGISTERED = (1, 1, 2, 1)  # one person, one index, the two I-4 notes, the lock row


def assert_error_page(response, *, fnr: str, caplog, statuses=(500, 503)) -> str:
    """A clear Norwegian page with a reference number that the log carries; returns it."""
    body = response.content.decode()
    assert response.status_code in statuses, body[:500]
    assert "Prøv igjen" in body
    match = REFERENCE.search(body)
    assert match, body
    reference = match.group(1)
    for leak in ("Traceback", "OperationalError", "server closed", "File ", fnr):
        assert leak not in body
    logged = [r.getMessage() for r in caplog.records if f"reference={reference}" in r.getMessage()]
    assert logged, caplog.text
    # One failure, one error page: nothing on the way out touched the database again.
    pages = [r for r in caplog.records if r.getMessage().startswith("server error reference=")]
    assert len(pages) == 1, [r.getMessage()[:80] for r in pages]
    assert any(re.search(r"exc=[\w <-]*(OperationalError|RuntimeError)", line) for line in logged)
    assert fnr not in caplog.text
    assert "server closed" not in caplog.text and "could not commit" not in caplog.text
    return reference


@pytest.fixture
def portal(transactional_db, settings):
    """The import as in production: no test transaction around it, so each query and commit
    is the real one. Rate limits (S9) off: this test submits many times from one address."""
    settings.RATE_LIMIT_ENABLED = False
    selfreg_on("0301")


def _count_queries_and_commits() -> tuple[int, int]:
    fnr, client = new_citizen_at_the_form()
    counter = DatabaseFault()
    with connection.execute_wrapper(counter), commit_fails(fail_at=0, quoted="") as commits:
        response = client.post(FORM, valid_form())
    assert response.status_code == 302 and response.url == RECEIPT
    assert rows(fnr) == REGISTERED
    return counter.count, commits[0]


@pytest.mark.parametrize("dead", [False, True], ids=["one-query-fails", "connection-dies"])
def test_r3_database_failure_at_each_query_of_a_submission(portal, caplog, dead):
    """R3: for k = 1..K (K = the queries of a normal submission, session and registers
    included), query k fails (and with `dead` every later one too): a 503 page with a reference
    number, no stack trace, no partial rows; a retry of the same form registers exactly once.

    A failure after the import's commit (the session's save) leaves the whole registration,
    never part of it; the retry then finds it by the submission id and shows the receipt."""
    queries, _ = _count_queries_and_commits()
    assert queries > 10
    seen_after_commit = 0
    for k in range(1, queries + 1):
        fnr, client = new_citizen_at_the_form()
        fault = DatabaseFault(fail_at=k, dead=dead, quoted=fnr)
        caplog.clear()
        with connection.execute_wrapper(fault):
            response = client.post(FORM, valid_form())
        assert fault.failed, f"query {k} was never reached"
        assert_error_page(response, fnr=fnr, caplog=caplog, statuses=(503,))
        state = rows(fnr)
        assert state in (NOTHING, REGISTERED), f"query {k}: partial rows {state}"
        seen_after_commit += state == REGISTERED

        retry = client.post(FORM, valid_form())
        assert retry.status_code == 302 and retry.url == RECEIPT, f"query {k}"
        assert rows(fnr) == REGISTERED, f"query {k}"
        assert "Skjemaet er registrert" in client.get(RECEIPT).content.decode()
    # The last queries (the session's save) come after the import's commit.
    assert 0 < seen_after_commit < queries


def test_r3_commit_failure_at_each_commit_of_a_submission(portal, caplog):
    """R3: the commit itself fails (the connection drops as the import commits): nothing of
    the registration is kept, the page has a reference number, and a retry registers once."""
    _, commits = _count_queries_and_commits()
    assert commits >= 1
    for n in range(1, commits + 1):
        fnr, client = new_citizen_at_the_form()
        caplog.clear()
        with commit_fails(fail_at=n, quoted=fnr):
            response = client.post(FORM, valid_form())
        assert_error_page(response, fnr=fnr, caplog=caplog)
        assert rows(fnr) in (NOTHING, REGISTERED), f"commit {n}"
        retry = client.post(FORM, valid_form())
        assert retry.url == RECEIPT, f"commit {n}"
        assert rows(fnr) == REGISTERED, f"commit {n}"


def test_r3_database_down_while_reading_shows_the_same_page(portal, caplog):
    """R3: a failing read (the citizen's "who" page, the back office's worklist) gives the same
    page as a failing write, rendered without the database."""
    fnr, client = new_citizen_at_the_form()
    with connection.execute_wrapper(DatabaseFault(fail_at=1, dead=True, quoted=fnr)):
        response = client.get(who_url())
    assert_error_page(response, fnr=fnr, caplog=caplog, statuses=(503,))
    assert response["Retry-After"]
    assert "Til selvregistrering av positiv hjemmetest" in response.content.decode()


def test_r3_database_down_on_a_back_office_page(portal, staff_client, caplog):
    client = staff_client(tracer_in=["0301"])
    client.raise_request_exception = False
    IndexFactory(person=PersonFactory(municipality_id="0301"))
    with connection.execute_wrapper(DatabaseFault(fail_at=1, dead=True, quoted="x")):
        response = client.get("/smittesporing/arbeidsliste/i-dag/")
    assert_error_page(response, fnr="12345678901", caplog=caplog, statuses=(503,))
    assert 'href="/smittesporing/"' in response.content.decode()


# --- The other error pages ---------------------------------------------------------------------


@pytest.mark.django_db
def test_r3_unexpected_exception_gives_500_with_reference_and_no_message(
    citizen_client, monkeypatch, caplog
):
    """Not a database error: 500, same page, the log has the type but not the message."""
    person = SyntheticPersonFactory()
    selfreg_on("0301")

    def broken(**kwargs):
        raise RuntimeError(f"unexpected value {person.fnr}")

    monkeypatch.setattr("selfreg.views.municipality_get", broken)
    client = citizen_client(person.fnr)
    client.raise_request_exception = False
    response = client.get(who_url())
    assert response.status_code == 500
    assert "Noe gikk galt" in response.content.decode()
    assert "Retry-After" not in response
    assert_error_page(response, fnr=person.fnr, caplog=caplog, statuses=(500,))
    internal = [r for r in caplog.records if r.name == "django.request"]
    assert internal and internal[0].exc_info is None  # the traceback's message is gone


@pytest.mark.django_db
def test_404_page_is_norwegian(client):
    response = client.get("/finnes-ikke/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Fant ikke siden" in body
    assert '<html lang="nb"' in body


@pytest.mark.django_db
def test_403_page_is_norwegian(staff_client):
    client = staff_client(tracer_in=["0301"])  # a tracer, not an administrator
    response = client.get("/smittesporing/tilgangslogg/")
    assert response.status_code == 403
    assert "Ingen tilgang" in response.content.decode()


@pytest.mark.django_db
def test_400_page_is_norwegian(client):
    response = client.get("/innlogget/logg-inn/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Ugyldig forespørsel" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_page_is_norwegian_and_says_nothing_was_registered(citizen_client):
    person = SyntheticPersonFactory()
    logged_in = citizen_client(person.fnr)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = logged_in.cookies
    response = strict.post(FORM, valid_form())
    assert response.status_code == 403
    body = response.content.decode()
    assert "Skjemaet kunne ikke sendes" in body
    assert "Ingenting er registrert" in body
    assert not Index.objects.exists()
