"""HttpKrr: what only the HTTP client can meet (errors, statuses, the request)."""

import json
import logging

import pytest

from registers.interfaces import get_krr
from registers.krr import HttpKrr
from registers.tests.fake_servers import TOKEN, RevokedThenValid, StaticToken
from registers.types import (
    ContactInfo,
    RegisterInvalidResponse,
    RegisterTimeout,
    RegisterUnavailable,
)
from tests.factories import ContactInfoFactory, new_fnr


def client(server, *, token=TOKEN, timeout=5.0) -> HttpKrr:
    return HttpKrr(base_url=server.krr_url, access_token=StaticToken(token), timeout=timeout)


@pytest.fixture
def fnr(fake_registers):
    fnr = new_fnr()
    fake_registers.add_contact(fnr, ContactInfoFactory(email="kari@example.no"))
    return fnr


# --- transport and status errors ---


def test_hanging_register_raises_timeout(fake_registers, fnr):
    fake_registers.hang()

    with pytest.raises(RegisterTimeout):
        client(fake_registers, timeout=0.2).contact_info(fnr)


@pytest.mark.parametrize("status", [500, 503])
def test_5xx_raises_unavailable(fake_registers, fnr, status):
    fake_registers.answer_status(status)

    with pytest.raises(RegisterUnavailable):
        client(fake_registers).contact_info(fnr)


def test_refused_connection_raises_unavailable(fake_registers, fnr):
    fake_registers.refuse_connections()

    with pytest.raises(RegisterUnavailable):
        client(fake_registers).contact_info(fnr)


def test_body_that_is_not_json_raises_invalid_response(fake_registers, fnr):
    fake_registers.answer_garbage()

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).contact_info(fnr)


@pytest.mark.parametrize("status", [400, 404])
def test_unexpected_4xx_raises_invalid_response(fake_registers, fnr, status):
    fake_registers.answer_status(status)

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).contact_info(fnr)


def test_wrong_token_is_refused_and_raises_invalid_response(fake_registers, fnr):
    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers, token="wrong").contact_info(fnr)


def test_a_refused_token_is_replaced_and_the_request_made_once_more(fake_registers, fnr):
    token = RevokedThenValid()
    krr = HttpKrr(base_url=fake_registers.krr_url, access_token=token, timeout=5)

    assert krr.contact_info(fnr).email == "kari@example.no"
    assert token.forgotten == 1
    bodies = [r["body"] for r in fake_registers.requests]
    assert len(bodies) == 2 and bodies[0] == bodies[1]  # the same request, once more


# --- what KRR answers ---


def _answer(fake_registers, fnr, **entry):
    fake_registers.krr_answer = {"personer": [{"personidentifikator": fnr, **entry}]}


@pytest.mark.parametrize("status", ["SLETTET", "IKKE_REGISTRERT"])
def test_person_not_active_in_krr_is_none(fake_registers, fnr, status):
    _answer(fake_registers, fnr, status=status)

    assert client(fake_registers).contact_info(fnr) is None


def test_person_missing_from_answer_is_none(fake_registers, fnr):
    fake_registers.krr_answer = {"personer": []}

    assert client(fake_registers).contact_info(fnr) is None


def test_answer_about_another_person_is_not_taken_as_this_one(fake_registers, fnr):
    _answer(fake_registers, new_fnr(), status="AKTIV", reservasjon="NEI")

    assert client(fake_registers).contact_info(fnr) is None


def test_active_person_without_contact_information_has_empty_fields(fake_registers, fnr):
    _answer(fake_registers, fnr, status="AKTIV", reservasjon="JA")

    assert client(fake_registers).contact_info(fnr) == ContactInfo(
        phone="", email="", reserved=True
    )


@pytest.mark.parametrize(
    "answer",
    [
        {"personer": "none"},
        {"feil": "ingen personer"},
        {"personer": [{"personidentifikator": "X", "status": "AKTIV"}, "text"]},
    ],
    ids=["personer-not-list", "personer-missing", "entry-not-object"],
)
def test_answer_without_a_list_of_persons_raises_invalid_response(fake_registers, fnr, answer):
    fake_registers.krr_answer = answer

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).contact_info(fnr)


@pytest.mark.parametrize(
    "entry",
    [
        {"status": "UKJENT", "reservasjon": "NEI"},
        {"reservasjon": "NEI"},
        {"status": "AKTIV"},
        {"status": "AKTIV", "reservasjon": "KANSKJE"},
        {"status": "AKTIV", "reservasjon": "NEI", "kontaktinformasjon": "kari@example.no"},
        {"status": "AKTIV", "reservasjon": "NEI", "kontaktinformasjon": {"epostadresse": 1}},
    ],
    ids=[
        "unknown-status",
        "no-status",
        "no-reservation",
        "unknown-reservation",
        "contact-not-object",
        "email-not-string",
    ],
)
def test_malformed_entry_raises_invalid_response(fake_registers, fnr, entry):
    _answer(fake_registers, fnr, **entry)

    with pytest.raises(RegisterInvalidResponse):
        client(fake_registers).contact_info(fnr)


# --- the request ---


def test_request_posts_the_number_in_the_body_with_bearer_token(fake_registers, fnr):
    client(fake_registers).contact_info(fnr)

    request = fake_registers.requests[-1]
    assert request["method"] == "POST"
    assert request["path"].endswith("/rest/v1/personer")
    assert fnr not in request["path"]
    assert json.loads(request["body"]) == {"personidentifikatorer": [fnr]}
    assert request["headers"]["Authorization"] == f"Bearer {TOKEN}"


def test_errors_and_logs_do_not_name_the_number(fake_registers, fnr, caplog):
    fake_registers.answer_status(500)
    caplog.set_level(logging.DEBUG)

    with pytest.raises(RegisterUnavailable) as raised:
        client(fake_registers).contact_info(fnr)

    assert "500" in caplog.text
    assert fnr not in caplog.text + str(raised.value)


def test_get_krr_uses_http_client_from_settings(
    fake_registers, fnr, settings, maskinporten_settings
):
    settings.REGISTER_BACKEND = "http"
    settings.KRR_URL = fake_registers.krr_url

    krr = get_krr()

    assert isinstance(krr, HttpKrr)
    assert krr.contact_info(fnr).email == "kari@example.no"
