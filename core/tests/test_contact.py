"""core.contact: the error pages ask the registered providers whom the citizen can contact;
a provider that fails is left out (logged by type), and nobody is asked when the database is
what failed."""

import logging

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from core import contact, errors


@pytest.fixture
def providers(monkeypatch):
    registered: list = []
    monkeypatch.setattr(contact, "_PROVIDERS", registered)
    return registered


def test_providers_are_merged_and_a_failing_one_is_left_out(providers, caplog):
    def broken(request):
        raise RuntimeError("12345678901 in the message")

    contact.contact_provider_register(lambda request: {"a": 1})
    contact.contact_provider_register(broken)
    with caplog.at_level(logging.WARNING, logger="core.contact"):
        assert contact.contact_context(RequestFactory().get("/")) == {"a": 1}
    assert "RuntimeError" in caplog.text and "12345678901" not in caplog.text


def test_the_500_page_asks_no_provider_when_the_database_failed(providers):
    asked = []
    contact.contact_provider_register(lambda request: asked.append(request) or {})
    request = RequestFactory().get("/innlogget/smitte-selvregistrering/hjemmetest")
    response = errors._server_error_response(request, OperationalError("gone"))
    assert response.status_code == 503
    assert asked == []
    errors._server_error_response(request, ValueError("bug"))
    assert len(asked) == 1
