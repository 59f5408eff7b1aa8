"""A register that cannot answer gives a 503 'try again later' page, never a 500, and nothing
is registered (selfreg.decorators.register_errors_as_503 on every portal page)."""

import time

import pytest

from registers.types import RegisterInvalidResponse, RegisterTimeout, RegisterUnavailable
from selfreg.tests.portal import FORM, RECEIPT, choose, form_url, valid_form, who_url
from tracing.models import Index, Person

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("oslo_takes_selfreg")]

MESSAGE = "Tjenesten er ikke tilgjengelig akkurat nå. Prøv igjen senere."


def register_down(error):
    def get_register():
        raise error("connection refused")

    return get_register


class BrokenFolkeregister:
    """Answers the citizen, then fails on children: a register that breaks mid-page."""

    def __init__(self, real):
        self.real = real

    def person(self, fnr):
        return self.real.person(fnr)

    def children(self, fnr):
        raise RegisterTimeout("timed out")


def assert_unavailable(response):
    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert response["Retry-After"]


@pytest.mark.parametrize("error", [RegisterUnavailable, RegisterTimeout, RegisterInvalidResponse])
def test_folkeregister_down_on_who_step_is_503(citizen_client, parent, monkeypatch, error):
    monkeypatch.setattr("registers.interfaces.get_folkeregister", register_down(error))
    client = citizen_client(parent.fnr)
    assert_unavailable(client.get(who_url()))
    assert_unavailable(client.post(who_url(), {"hvem": "self"}))


def test_folkeregister_failing_midway_is_503(citizen_client, parent, monkeypatch):
    from registers import interfaces

    real = interfaces.get_folkeregister
    monkeypatch.setattr(
        "registers.interfaces.get_folkeregister", lambda: BrokenFolkeregister(real())
    )
    assert_unavailable(citizen_client(parent.fnr).get(who_url()))


def test_folkeregister_down_on_form_post_registers_nothing(citizen_client, parent, monkeypatch):
    client = citizen_client(parent.fnr)
    choose(client)
    monkeypatch.setattr(
        "registers.interfaces.get_folkeregister", register_down(RegisterUnavailable)
    )
    assert_unavailable(client.get(FORM))
    assert_unavailable(client.post(FORM, valid_form()))
    assert not Index.objects.exists()
    assert not Person.objects.exists()


def test_krr_down_on_form_is_503_but_a_posted_form_needs_no_krr(
    citizen_client, parent, monkeypatch
):
    """KRR only prefills phone and e-mail (C-6); a posted form carries the citizen's own, so
    a KRR outage does not stop a citizen who already has the form (KRR is not asked
    on POST)."""
    client = citizen_client(parent.fnr)
    choose(client)
    monkeypatch.setattr("registers.interfaces.get_krr", register_down(RegisterTimeout))
    assert_unavailable(client.get(FORM))
    assert not Index.objects.exists()
    assert client.post(FORM, valid_form(phone="+4799887766")).url == RECEIPT
    assert Index.objects.get().person.phone == "+4799887766"


def test_register_back_up_the_flow_continues(citizen_client, parent, monkeypatch):
    client = citizen_client(parent.fnr)
    choose(client)
    with monkeypatch.context() as patch:
        patch.setattr("registers.interfaces.get_folkeregister", register_down(RegisterUnavailable))
        assert_unavailable(client.post(FORM, valid_form()))
    assert client.post(FORM, valid_form()).status_code == 302
    assert Index.objects.count() == 1


def test_the_503_page_logs_no_fnr(citizen_client, parent, monkeypatch, caplog):
    def failing():
        raise RegisterUnavailable(f"GET /personer/{parent.fnr} refused")

    monkeypatch.setattr("registers.interfaces.get_folkeregister", failing)
    citizen_client(parent.fnr).get(who_url())
    assert "RegisterUnavailable" in caplog.text
    assert parent.fnr not in caplog.text


# --- R4: the real HTTP clients against a register that times out or answers 500 ---------------
# A clear 503 page (timed, not asserted on time: REGISTER_TIMEOUT_SECONDS bounds it), nothing
# registered, and a log line that names the register and the error, never the fødselsnummer.


@pytest.fixture
def http_registers(settings, parent, maskinporten_settings):
    """Folkeregisteret and KRR as two fake HTTP services (registers/tests/fake_servers.py) that
    know `parent`; the portal uses the HTTP clients, with a one-second timeout, and gets its
    tokens from a fake Maskinporten."""
    from registers.interfaces import get_folkeregister, get_krr
    from registers.synthetic import SyntheticFolkeregister, SyntheticKrr
    from registers.tests.fake_servers import FakeRegisterServer

    folkeregister, krr = FakeRegisterServer().start(), FakeRegisterServer().start()
    folkeregister.add_person(SyntheticFolkeregister().person(parent.fnr))
    krr.add_contact(parent.fnr, SyntheticKrr().contact_info(parent.fnr))
    settings.REGISTER_BACKEND = "http"
    settings.FOLKEREGISTER_URL = folkeregister.folkeregister_url
    settings.KRR_URL = krr.krr_url
    settings.REGISTER_TIMEOUT_SECONDS = 1
    assert get_folkeregister().person(parent.fnr) is not None
    assert get_krr().contact_info(parent.fnr) is not None
    yield folkeregister, krr
    folkeregister.stop()
    krr.stop()


def _timed(record_property, call):
    started = time.monotonic()
    response = call()
    record_property("seconds", round(time.monotonic() - started, 2))
    return response


def _assert_logged_without_fnr(caplog, parent, *needles):
    for needle in needles:
        assert needle in caplog.text
    assert parent.fnr not in caplog.text


@pytest.mark.parametrize("failure", ["timeout", "500"])
def test_r4_folkeregister_times_out_or_answers_500(
    citizen_client, parent, http_registers, caplog, record_property, failure
):
    folkeregister, _ = http_registers
    client = citizen_client(parent.fnr)
    folkeregister.hang() if failure == "timeout" else folkeregister.answer_status(500)
    response = _timed(record_property, lambda: client.get(who_url()))
    assert_unavailable(response)
    error = "RegisterTimeout" if failure == "timeout" else "RegisterUnavailable"
    _assert_logged_without_fnr(caplog, parent, "Folkeregisteret", error)
    assert not Index.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ((400, b'{"error": "invalid_client"}'), "MaskinportenRefused"),
        ((503, b"{}"), "MaskinportenUnavailable"),
        ((200, b'{"token_type": "Bearer"}'), "MaskinportenInvalidResponse"),
    ],
)
def test_r4_no_maskinporten_token_is_a_clear_503(
    citizen_client, parent, http_registers, maskinporten_settings, caplog, answer, error
):
    from registers import maskinporten

    maskinporten.client_cache_clear()  # the fixture's tokens are gone: a new fetch is needed
    maskinporten_settings.answer = answer
    folkeregister, _ = http_registers
    before = len(folkeregister.requests)

    assert_unavailable(citizen_client(parent.fnr).get(who_url()))
    _assert_logged_without_fnr(caplog, parent, "Maskinporten", error)
    assert len(folkeregister.requests) == before  # no register call without a token
    assert not Index.objects.exists() and not Person.objects.exists()


@pytest.mark.parametrize("failure", ["timeout", "500"])
def test_r4_krr_times_out_or_answers_500(
    citizen_client, parent, http_registers, caplog, record_property, failure
):
    _, krr = http_registers
    client = citizen_client(parent.fnr)
    assert choose(client).url == form_url()  # Folkeregisteret answers: the citizen reaches the form
    krr.hang() if failure == "timeout" else krr.answer_status(500)
    assert_unavailable(_timed(record_property, lambda: client.get(FORM)))
    error = "RegisterTimeout" if failure == "timeout" else "RegisterUnavailable"
    _assert_logged_without_fnr(caplog, parent, "KRR", error)
    assert not Index.objects.exists() and not Person.objects.exists()
    # The form's POST does not ask KRR: the citizen typed phone and e-mail (C-6).
    assert client.post(FORM, valid_form()).url == RECEIPT
    assert Index.objects.count() == 1
