"""A register that cannot answer gives a 503 'try again later' page, never a 500, and nothing
is registered (selfreg.decorators.register_errors_as_503 on every portal page)."""

import pytest

from registers.types import RegisterInvalidResponse, RegisterTimeout, RegisterUnavailable
from selfreg.tests.portal import FORM, choose, selfreg_on, valid_form, who_url
from tracing.models import Index, Person

pytestmark = pytest.mark.django_db

MESSAGE = "Tjenesten er ikke tilgjengelig akkurat nå. Prøv igjen senere."


@pytest.fixture(autouse=True)
def _oslo_takes_selfreg(db):
    selfreg_on("0301")


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


def test_krr_down_on_form_is_503(citizen_client, parent, monkeypatch):
    client = citizen_client(parent.fnr)
    choose(client)
    monkeypatch.setattr("registers.interfaces.get_krr", register_down(RegisterTimeout))
    assert_unavailable(client.get(FORM))
    assert_unavailable(client.post(FORM, valid_form()))
    assert not Index.objects.exists()


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
