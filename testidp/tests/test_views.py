"""The test IdP's endpoints over HTTP (O-5): discovery, JWKS, login page, token, end-session."""

import base64
import secrets
from urllib.parse import urlsplit

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.test import Client
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet

from testidp.models import AuthorizationCode
from testidp.tests.browser import post_form, query_of
from tests.factories import new_fnr

pytestmark = pytest.mark.django_db

REDIRECT = "http://testserver/innlogget/callback/"
VERIFIER = secrets.token_urlsafe(48)


@pytest.fixture(autouse=True)
def _client_config(settings):
    settings.OIDC_CLIENT_ID = "smittesporing-dev"
    settings.OIDC_CLIENT_SECRET = "dev-client-secret"


def authorize_params(**overrides) -> dict:
    values = {
        "response_type": "code",
        "client_id": "smittesporing-dev",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "st4te",
        "nonce": "n0nce",
        "code_challenge": create_s256_code_challenge(VERIFIER),
        "code_challenge_method": "S256",
        "acr_values": "idporten-loa-high",
    }
    return values | overrides


def login(client, fnr: str) -> str:
    """Through the login page; returns the code."""
    page = client.get(reverse("testidp:authorize"), authorize_params())
    _, fields = post_form(page.content.decode())
    response = client.post(reverse("testidp:authorize"), fields | {"fnr": fnr})
    assert response.status_code == 302
    return query_of(response["Location"])["code"]


def basic(client_id="smittesporing-dev", secret="dev-client-secret") -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_request(client, code: str, **overrides):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    } | overrides
    headers = {} if "client_secret" in data else {"Authorization": basic()}
    return client.post(reverse("testidp:token"), data, headers=headers)


# --- discovery and JWKS -------------------------------------------------------------------------


def test_discovery_document(client):
    response = client.get("/testidp/.well-known/openid-configuration")
    assert response.status_code == 200
    doc = response.json()
    assert doc["issuer"] == "http://testserver/testidp"
    assert doc["authorization_endpoint"] == "http://testserver/testidp/authorize"
    assert doc["token_endpoint"] == "http://testserver/testidp/token"
    assert doc["jwks_uri"] == "http://testserver/testidp/jwks"
    assert doc["end_session_endpoint"] == "http://testserver/testidp/endsession"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["acr_values_supported"] == ["idporten-loa-substantial", "idporten-loa-high"]


def test_the_issuer_follows_the_host_and_port(client):
    doc = client.get("/testidp/.well-known/openid-configuration", HTTP_HOST="localhost:8123").json()
    assert doc["issuer"] == "http://localhost:8123/testidp"


def test_jwks(client):
    (key,) = client.get(reverse("testidp:jwks")).json()["keys"]
    assert key["kty"] == "RSA" and "d" not in key


@pytest.mark.parametrize("production", [True, False])
def test_every_endpoint_is_gone_when_switched_off(client, settings, production):
    settings.PRODUCTION = production
    settings.TEST_IDP_ENABLED = production  # production, or simply disabled
    for name in ("discovery", "jwks", "authorize", "token", "end_session"):
        assert client.get(reverse(f"testidp:{name}")).status_code == 404


# --- the login page -----------------------------------------------------------------------------


def test_login_page_has_the_fnr_field_and_the_button(client):
    response = client.get(reverse("testidp:authorize"), authorize_params())
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="ds-label" for="id_fnr">Fødselsnummer</label>' in html
    assert ">Logg inn</button>" in html
    assert "style=" not in html and "<script" not in html
    action, fields = post_form(html)
    assert action == reverse("testidp:authorize")
    for name in ("client_id", "redirect_uri", "state", "nonce", "code_challenge"):
        assert fields[name] == authorize_params()[name]


def test_a_bad_request_shows_an_error_and_redirects_nowhere(client):
    response = client.get(
        reverse("testidp:authorize"),
        authorize_params(redirect_uri="https://evil.example/cb"),
    )
    assert response.status_code == 400
    assert "Location" not in response


def test_plain_pkce_is_refused(client):
    response = client.get(
        reverse("testidp:authorize"), authorize_params(code_challenge_method="plain")
    )
    assert response.status_code == 400


def test_an_invalid_fnr_is_shown_next_to_the_field(client):
    page = client.get(reverse("testidp:authorize"), authorize_params())
    _, fields = post_form(page.content.decode())
    response = client.post(reverse("testidp:authorize"), fields | {"fnr": "12345678901"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-invalid="true"' in html
    assert 'id="id_fnr-error"' in html and "ikke gyldig" in html
    assert 'value="12345678901"' in html
    assert not AuthorizationCode.objects.exists()


def test_a_valid_fnr_redirects_back_with_code_and_state(client):
    page = client.get(reverse("testidp:authorize"), authorize_params())
    _, fields = post_form(page.content.decode())
    response = client.post(reverse("testidp:authorize"), fields | {"fnr": new_fnr()})
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(REDIRECT + "?")
    query = query_of(location)
    assert query["state"] == "st4te" and query["code"]
    assert query["iss"] == "http://testserver/testidp"


def test_tampered_hidden_fields_are_checked_again(client):
    page = client.get(reverse("testidp:authorize"), authorize_params())
    _, fields = post_form(page.content.decode())
    fields["redirect_uri"] = "https://evil.example/cb"
    response = client.post(reverse("testidp:authorize"), fields | {"fnr": new_fnr()})
    assert response.status_code == 400


def test_the_login_form_is_csrf_protected():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("testidp:authorize"), authorize_params(fnr=new_fnr()))
    assert response.status_code == 403


def test_cancel_redirects_back_with_access_denied(client):
    page = client.get(reverse("testidp:authorize"), authorize_params())
    _, fields = post_form(page.content.decode())
    response = client.post(reverse("testidp:authorize"), fields | {"cancel": "1"})
    assert response.status_code == 302
    assert query_of(response["Location"]) == {"error": "access_denied", "state": "st4te"}


# --- the login page's language (ui_locales, as ID-porten) -------------------------------------


@pytest.mark.parametrize(
    ("ui_locales", "code", "button"),
    [("nn", "nn", "Logg inn"), ("en", "en", "Log in"), ("se nn-NO en", "nn", "Logg inn"),
     ("sv", "nb", "Logg inn"), ("", "nb", "Logg inn")],
)  # fmt: skip
def test_the_login_page_is_in_the_language_of_ui_locales(client, ui_locales, code, button):
    response = client.get(reverse("testidp:authorize"), authorize_params(ui_locales=ui_locales))
    html = response.content.decode()
    assert f'<html lang="{code}"' in html
    assert f">{button}</button>" in html
    service = {"nb": "(ikke ID-porten)", "nn": "(ikkje ID-porten)", "en": "(not ID-porten)"}
    assert service[code] in html
    # The page's language travels with the form.
    assert post_form(html)[1]["ui_locales"] == code


def test_an_invalid_fnr_is_shown_in_the_language_of_ui_locales(client):
    page = client.get(reverse("testidp:authorize"), authorize_params(ui_locales="en"))
    _, fields = post_form(page.content.decode())
    response = client.post(reverse("testidp:authorize"), fields | {"fnr": "12345678901"})
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert "The national identity number is not valid" in html


def test_a_bad_request_is_explained_in_the_language_of_ui_locales(client):
    response = client.get(
        reverse("testidp:authorize"), authorize_params(ui_locales="nn", code_challenge_method="x")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="nn"' in html and "Feil i innloggingsførespurnaden" in html


def test_the_language_switch_keeps_what_was_typed_and_checks_nothing(client):
    page = client.get(reverse("testidp:authorize"), authorize_params(ui_locales="nb"))
    html = page.content.decode()
    assert 'form="testidp-login"' in html and 'name="_language_switch"' in html
    _, fields = post_form(html)
    response = client.post(
        reverse("testidp:authorize") + "?lang=en",
        fields | {"fnr": "1234", "_language_switch": "en"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert 'value="1234"' in html and 'aria-invalid="true"' not in html
    assert post_form(html)[1]["ui_locales"] == "en"
    assert not AuthorizationCode.objects.exists()


# --- token --------------------------------------------------------------------------------------


def test_token_with_client_secret_basic(client):
    fnr = new_fnr()
    response = token_request(client, login(client, fnr))
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "Bearer" and body["access_token"]
    claims = jwt.decode(
        body["id_token"],
        KeySet.import_key_set(client.get(reverse("testidp:jwks")).json()),
        algorithms=["RS256"],
    ).claims
    assert claims["pid"] == fnr
    assert claims["acr"] == "idporten-loa-high"
    assert claims["nonce"] == "n0nce"
    assert claims["iss"] == "http://testserver/testidp"
    assert response["Cache-Control"] == "no-store"


def test_token_with_client_secret_post(client):
    code = login(client, new_fnr())
    response = token_request(
        client, code, client_id="smittesporing-dev", client_secret="dev-client-secret"
    )
    assert response.status_code == 200


def test_a_code_works_once(client):
    code = login(client, new_fnr())
    assert token_request(client, code).status_code == 200
    again = token_request(client, code)
    assert again.status_code == 400
    assert again.json()["error"] == "invalid_grant"


def test_a_wrong_pkce_verifier_is_refused(client):
    response = token_request(client, login(client, new_fnr()), code_verifier="v" * 60)
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


def test_a_wrong_redirect_uri_is_refused(client):
    response = token_request(
        client, login(client, new_fnr()), redirect_uri="http://testserver/other/"
    )
    assert response.status_code == 400


def test_a_wrong_client_secret_is_401(client):
    code = login(client, new_fnr())
    response = client.post(
        reverse("testidp:token"),
        {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
        headers={"Authorization": basic(secret="wrong")},
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_another_grant_type_is_refused(client):
    response = token_request(client, "x", grant_type="client_credentials")
    assert response.json()["error"] == "unsupported_grant_type"


def test_token_endpoint_only_takes_post(client):
    assert client.get(reverse("testidp:token")).status_code == 405


@pytest.mark.parametrize("name", ["nonce", "state", "scope", "acr_values", "redirect_uri"])
@pytest.mark.parametrize("char", ["\x00", "\x1b", "\n"], ids=["NUL", "ESC", "LF"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_control_character_in_an_authorization_parameter_is_refused(client, name, char, method):
    """A NUL in `nonce` used to reach the authorization code's row: a 500 on PostgreSQL (which
    refuses NUL in text). Refused as invalid_request, with nothing stored, on any database."""
    params = authorize_params()
    params[name] = params[name] + char
    data = {**params, "fnr": new_fnr()}
    if method == "get":
        response = client.get(reverse("testidp:authorize"), params)
    else:
        response = client.post(reverse("testidp:authorize"), data)
    assert response.status_code == 400
    assert "invalid_request" in response.content.decode()
    assert not AuthorizationCode.objects.exists()


# --- end-session --------------------------------------------------------------------------------


def test_end_session_redirects_to_the_post_logout_uri_with_state(client):
    response = client.get(
        reverse("testidp:end_session"),
        {
            "id_token_hint": "a.b.c",
            "post_logout_redirect_uri": "http://testserver/innlogget/logget-ut/",
            "state": "abc",
        },
    )
    assert response.status_code == 302
    location = response["Location"]
    assert urlsplit(location).path == "/innlogget/logget-ut/"
    assert query_of(location) == {"state": "abc"}


def test_end_session_takes_a_form_post_without_csrf_token():
    """RP-initiated logout may be a POST (the client's page posts the ID token in the body);
    it comes from the client's site, so without this site's CSRF token."""
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("testidp:end_session"),
        {
            "id_token_hint": "a.b.c",
            "client_id": "smittesporing-dev",
            "post_logout_redirect_uri": "http://testserver/innlogget/logget-ut/",
            "state": "abc",
        },
    )
    assert response.status_code == 302
    location = response["Location"]
    assert urlsplit(location).path == "/innlogget/logget-ut/"
    assert query_of(location) == {"state": "abc"}


def test_end_session_to_a_foreign_uri_does_not_redirect(client):
    response = client.get(
        reverse("testidp:end_session"), {"post_logout_redirect_uri": "https://evil.example/"}
    )
    assert response.status_code == 200
    assert "Du er logget ut" in response.content.decode()
