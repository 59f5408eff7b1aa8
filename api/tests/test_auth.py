"""Bearer-token authentication of the integration API (ADR 0005): only an active token of a
municipality gets in; everything else answers 401 with a JSON message."""

import datetime
import logging

import pytest
from django.utils import timezone
from freezegun import freeze_time

from accounts.models import ApiToken
from accounts.services import api_token_revoke
from api.tests.conftest import ApiClient
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/indexes"


def _assert_unauthorized(response):
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Mangler eller ugyldig API-nøkkel."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_active_token_gets_in(api_token):
    created = api_token("0301")
    response = ApiClient(created.secret).get(URL)
    assert response.status_code == 200


def test_missing_authorization_header_is_401(db):
    _assert_unauthorized(ApiClient(None).get(URL))


@pytest.mark.parametrize(
    "header",
    ["Bearer", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz", "smt_abc", "Bearer smt_" + "x" * 500],
    ids=["no-token", "empty-token", "other-scheme", "basic", "no-scheme", "too-long"],
)
def test_malformed_authorization_header_is_401(api_token, header):
    api_token("0301")
    response = ApiClient(None).get(URL, headers={"Authorization": header})
    _assert_unauthorized(response)


def test_unknown_token_is_401(api_token):
    created = api_token("0301")
    _assert_unauthorized(ApiClient(created.secret + "x").get(URL))
    _assert_unauthorized(ApiClient("smt_" + "A" * 43).get(URL))


def test_token_is_case_sensitive_and_not_the_stored_hash(api_token):
    created = api_token("0301")
    _assert_unauthorized(ApiClient(created.secret.swapcase()).get(URL))
    _assert_unauthorized(ApiClient(created.token.token_hash).get(URL))


def test_revoked_token_is_refused_at_once(api_token):
    created = api_token("0301")
    client = ApiClient(created.secret)
    assert client.get(URL).status_code == 200
    api_token_revoke(
        token_id=created.token.pk,
        municipality_number="0301",
        revoked_by=StaffFactory(admin_in=["0301"]),
    )
    _assert_unauthorized(client.get(URL))
    _assert_unauthorized(client.post_json(URL, {}))


def test_a_staff_session_is_not_an_api_token(client):
    user = StaffFactory(tracer_in=["0301"], admin_in=["0301"])
    client.force_login(user)
    _assert_unauthorized(client.get(URL))


def test_every_request_records_last_used(api_token):
    created = api_token("0301")
    assert created.token.last_used_at is None
    moment = datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC)
    with freeze_time(moment):
        ApiClient(created.secret).get(URL)
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at == moment
    ApiClient(created.secret).get(URL)
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at > moment
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at <= timezone.now()


def test_a_refused_token_does_not_record_use(api_token):
    created = api_token("0301")
    ApiClient(created.secret + "x").get(URL)
    assert ApiToken.objects.get(pk=created.token.pk).last_used_at is None


@pytest.mark.parametrize("scheme", ["Token ", "Basic ", "JWT ", "Bearer: ", "Bearer\t"])
def test_no_token_reaches_a_log_line_for_another_scheme(api_token, settings, caplog, scheme):
    """S10: django-ninja's HttpBearer logs the whole Authorization header, a live token under
    a wrong scheme included, whenever DEBUG is on. Refused (401), and nothing of it logged."""
    settings.DEBUG = True
    caplog.set_level(logging.DEBUG)
    created = api_token("0301")
    header = scheme + created.secret
    response = ApiClient(None).get(URL, headers={"Authorization": header})
    _assert_unauthorized(response)
    secret_part = created.secret.removeprefix("smt_")
    for record in caplog.records:
        line = logging.Formatter("%(name)s %(message)s").format(record)
        assert secret_part not in line, line
        assert "Authorization" not in line and header not in line, line


def test_the_bearer_scheme_is_case_insensitive(api_token):
    created = api_token("0301")
    response = ApiClient(None).get(URL, headers={"Authorization": f"bearer {created.secret}"})
    assert response.status_code == 200
