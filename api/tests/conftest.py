"""Fixtures for the API tests: a municipality's API token made the way the administrator makes
it (accounts.services.api_token_create), and a client that sends it."""

import pytest
from django.test import Client

from accounts.services import api_token_create
from tests.factories import StaffFactory


@pytest.fixture
def api_token(db):
    """`api_token("0301")` -> CreatedApiToken (the stored token and its secret, shown once)."""

    def make(number: str = "0301", label: str = "Fagsystem"):
        admin = StaffFactory(admin_in=[number])
        return api_token_create(municipality_number=number, label=label, created_by=admin)

    return make


class ApiClient(Client):
    """A test client that sends `Authorization: Bearer <secret>` and JSON bodies."""

    def __init__(self, secret: str | None, **kwargs):
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        super().__init__(headers=headers, **kwargs)

    def post_json(self, path: str, data=None, **kwargs):
        return self.post(path, data=data or {}, content_type="application/json", **kwargs)


@pytest.fixture
def api_client(api_token):
    """`api_client("0301")` -> ApiClient with a fresh token of that municipality; the token is
    `client.token` (its service user: `client.token.service_user`)."""

    def make(number: str = "0301") -> ApiClient:
        created = api_token(number)
        client = ApiClient(created.secret)
        client.token = created.token
        return client

    return make
