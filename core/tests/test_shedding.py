"""Overload shedding (core.shedding): a request that waited in the queue longer than
QUEUE_TIMEOUT_SECONDS gets 503 with Retry-After and the Norwegian page, before the session or
the database is touched; what the citizen posted comes back as a form that sends it again."""

import re
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.shedding import request_start
from selfreg.tests.portal import FORM, RECEIPT, START, valid_form


def sent_ago(seconds: float) -> dict:
    return {"HTTP_X_REQUEST_START": f"t={time.time() - seconds:.3f}"}


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("t=1700000000.123", 1700000000.123),
        ("1700000000.5", 1700000000.5),
        ("t=1700000000123", 1700000000.123),  # milliseconds
        ("t=1700000000123456", 1700000000.123456),  # microseconds
        ("", None),
        ("t=", None),
        ("t=soon", None),
        ("t=nan", None),
        ("t=-5", None),
    ],
)
def test_the_send_time_is_read_in_the_forms_proxies_write(header, expected):
    found = request_start(header)
    assert found == pytest.approx(expected) if expected else found is None


@pytest.mark.django_db
def test_a_request_that_waited_too_long_is_refused_with_503_and_retry_after(client, settings):
    settings.QUEUE_TIMEOUT_SECONDS = 2
    settings.OVERLOAD_RETRY_AFTER_SECONDS = 180
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/", **sent_ago(5))
    assert response.status_code == 503
    assert response["Retry-After"] == "180"
    page = response.content.decode()
    assert "Mange bruker tjenesten akkurat nå" in page
    assert "Prøv igjen om 3 minutter." in page
    assert "Ingenting er registrert av dette forsøket." in page
    assert response["Cache-Control"] == "no-store"  # the security headers are on it too
    assert "Content-Security-Policy" in response
    assert len(queries) == 0, "refused before the session or the database"
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_a_request_within_the_limit_or_without_the_header_is_served(client, settings):
    settings.QUEUE_TIMEOUT_SECONDS = 2
    assert client.get("/", **sent_ago(0.5)).status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/", HTTP_X_REQUEST_START="garbage").status_code == 200


@pytest.mark.django_db
def test_zero_switches_the_check_off(client, settings):
    settings.QUEUE_TIMEOUT_SECONDS = 0
    assert client.get("/", **sent_ago(3600)).status_code == 200


@pytest.mark.django_db
def test_a_refused_form_comes_back_as_hidden_fields_that_send_it_again(client, settings):
    settings.QUEUE_TIMEOUT_SECONDS = 2
    answers = valid_form(workplace_or_school='Skole "Nord" <b>', csrfmiddlewaretoken="tok")
    response = client.post(FORM, answers, **sent_ago(3))
    assert response.status_code == 503
    page = response.content.decode()
    form = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form and form.group(1) == FORM
    echoed = dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2))
    )
    assert echoed["workplace_or_school"] == "Skole &quot;Nord&quot; &lt;b&gt;"
    assert echoed["csrfmiddlewaretoken"] == "tok"
    assert set(echoed) == set(answers)
    assert "Send på nytt" in page


@pytest.mark.django_db
def test_a_refused_password_is_never_put_back_into_the_page(client, settings):
    settings.QUEUE_TIMEOUT_SECONDS = 2
    response = client.post(
        "/smittesporing/logg-inn/", {"username": "kari", "password": "hemmelig-passord"},
        **sent_ago(3),
    )  # fmt: skip
    assert response.status_code == 503
    assert b"hemmelig-passord" not in response.content
    assert b'name="password"' not in response.content


@pytest.mark.django_db
def test_the_page_follows_the_language_chosen(client, settings):
    settings.QUEUE_TIMEOUT_SECONDS = 2
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"  # unknown: bokmål
    response = client.get("/", **sent_ago(3))
    assert "Mange bruker tjenesten akkurat nå" in response.content.decode()


@pytest.mark.django_db
def test_the_receipt_is_served_however_long_it_waited(client, settings):
    """The receipt follows an accepted registration: refusing it would show a citizen whose
    form went in only the busy page."""
    settings.QUEUE_TIMEOUT_SECONDS = 2
    assert client.get(RECEIPT, **sent_ago(5)).status_code != 503
    settings.QUEUE_TIMEOUT_EXEMPT = []
    assert client.get(RECEIPT, **sent_ago(5)).status_code == 503


@pytest.mark.django_db
def test_new_arrivals_are_refused_sooner_than_citizens_in_the_flow(client, settings):
    """Past capacity the entry page is refused after the shorter wait, so that a citizen
    already in the flow, whose requests may wait longer, finishes instead."""
    settings.QUEUE_TIMEOUT_SECONDS = 2
    settings.QUEUE_TIMEOUT_ENTRY_SECONDS = 1
    assert client.get(START, **sent_ago(1.5)).status_code == 503
    assert client.get(FORM, **sent_ago(1.5)).status_code != 503
    assert client.get(FORM, **sent_ago(2.5)).status_code == 503
    assert client.get(START, **sent_ago(0.5)).status_code != 503
