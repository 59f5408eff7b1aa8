"""The test IdP's protocol rules (O-5): request checks, single-use codes, PKCE, client auth."""

import base64
import datetime
import secrets

import pytest
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.utils import timezone
from freezegun import freeze_time
from joserfc import jwt
from joserfc.jwk import KeySet

from testidp.keys import public_jwks
from testidp.models import AuthorizationCode
from testidp.services import (
    AuthorizeRequest,
    OidcError,
    authorization_code_issue,
    authorization_code_redeem,
    authorize_request_parse,
    client_authenticate,
    id_token_issue,
    token_response,
    uri_is_same_origin,
)
from tests.factories import new_fnr

ORIGIN = "http://testserver/"
ISSUER = "http://testserver/testidp"
REDIRECT = "http://testserver/innlogget/callback/"
VERIFIER = secrets.token_urlsafe(48)


def params(**overrides) -> dict:
    values = {
        "response_type": "code",
        "client_id": "smittesporing-dev",
        "redirect_uri": REDIRECT,
        "scope": "openid profile",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": create_s256_code_challenge(VERIFIER),
        "code_challenge_method": "S256",
        "acr_values": "idporten-loa-high",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


@pytest.fixture
def authorize_request(settings) -> AuthorizeRequest:
    settings.OIDC_CLIENT_ID = "smittesporing-dev"
    return authorize_request_parse(params(), origin=ORIGIN)


# --- authorize_request_parse --------------------------------------------------------------------


def test_a_good_request_is_parsed(authorize_request):
    assert authorize_request.redirect_uri == REDIRECT
    assert ("code_challenge_method", "S256") in authorize_request.hidden_fields()


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"client_id": "someone-else"}, "unauthorized_client"),
        ({"client_id": "smittesporing-dév"}, "unauthorized_client"),
        ({"redirect_uri": "https://evil.example/callback"}, "invalid_request"),
        ({"redirect_uri": "http://testserver.evil.example/cb"}, "invalid_request"),
        ({"redirect_uri": "https://testserver/innlogget/callback/"}, "invalid_request"),
        ({"redirect_uri": None}, "invalid_request"),
        ({"response_type": "token"}, "unsupported_response_type"),
        ({"scope": "profile"}, "invalid_scope"),
        ({"state": None}, "invalid_request"),
        ({"nonce": ""}, "invalid_request"),
        ({"code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge_method": None}, "invalid_request"),
        ({"code_challenge": None}, "invalid_request"),
        ({"code_challenge": "short"}, "invalid_request"),
        ({"acr_values": "idporten-loa-low"}, "invalid_request"),
        ({"state": "x" * 3000}, "invalid_request"),
    ],
)
def test_a_bad_request_is_refused(settings, overrides, error):
    settings.OIDC_CLIENT_ID = "smittesporing-dev"
    with pytest.raises(OidcError) as refused:
        authorize_request_parse(params(**overrides), origin=ORIGIN)
    assert refused.value.error == error


def test_same_origin_means_scheme_host_and_port():
    assert uri_is_same_origin("http://testserver/a?b=c", origin=ORIGIN)
    assert not uri_is_same_origin("http://testserver:8001/a", origin=ORIGIN)
    assert not uri_is_same_origin("http://testserver/a#frag", origin=ORIGIN)
    assert not uri_is_same_origin("javascript:alert(1)", origin=ORIGIN)
    assert not uri_is_same_origin("http://testserver:x/a", origin=ORIGIN)


def test_loopback_names_are_one_host_on_the_same_port():
    """README users may open localhost while the server calls itself at 127.0.0.1."""
    assert uri_is_same_origin("http://localhost:8000/cb", origin="http://127.0.0.1:8000")
    assert uri_is_same_origin("http://127.0.0.1:8000/cb", origin="http://localhost:8000")
    assert not uri_is_same_origin("http://localhost:8001/cb", origin="http://127.0.0.1:8000")
    assert not uri_is_same_origin("http://evil.example:8000/cb", origin="http://127.0.0.1:8000")


# --- codes --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_code_is_redeemed_once(authorize_request):
    fnr = new_fnr()
    code = authorization_code_issue(request=authorize_request, pid=fnr)
    grant = authorization_code_redeem(
        code=code, client_id="smittesporing-dev", redirect_uri=REDIRECT, code_verifier=VERIFIER
    )
    assert grant.pid == fnr and grant.nonce == "nonce-1" and grant.acr == "idporten-loa-high"
    with pytest.raises(OidcError) as reused:
        authorization_code_redeem(
            code=code, client_id="smittesporing-dev", redirect_uri=REDIRECT, code_verifier=VERIFIER
        )
    assert reused.value.error == "invalid_grant"


@pytest.mark.django_db
def test_only_a_hash_of_the_code_is_stored(authorize_request):
    code = authorization_code_issue(request=authorize_request, pid=new_fnr())
    row = AuthorizationCode.objects.get()
    assert code not in row.code_hash
    assert row.expires_at - row.created_at == datetime.timedelta(seconds=60)


@pytest.mark.django_db
def test_a_code_expires_after_a_minute(authorize_request):
    code = authorization_code_issue(request=authorize_request, pid=new_fnr())
    with freeze_time(timezone.now() + datetime.timedelta(seconds=61)), pytest.raises(OidcError):
        authorization_code_redeem(
            code=code, client_id="smittesporing-dev", redirect_uri=REDIRECT, code_verifier=VERIFIER
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "overrides",
    [
        {"code_verifier": secrets.token_urlsafe(48)},
        {"code_verifier": ""},
        {"code_verifier": "short"},
        {"redirect_uri": "http://testserver/other/"},
        {"client_id": "another-client"},
        {"code": "not-a-code"},
    ],
)
def test_a_mismatching_redemption_is_refused_and_spends_the_code(authorize_request, overrides):
    code = authorization_code_issue(request=authorize_request, pid=new_fnr())
    attempt = {
        "code": code,
        "client_id": "smittesporing-dev",
        "redirect_uri": REDIRECT,
        "code_verifier": VERIFIER,
    }
    with pytest.raises(OidcError) as refused:
        authorization_code_redeem(**(attempt | overrides))
    assert refused.value.error == "invalid_grant"
    if "code" not in overrides:
        # RFC 6749 4.1.2: a code is single use, also when the first use was wrong.
        with pytest.raises(OidcError):
            authorization_code_redeem(**attempt)


@pytest.mark.django_db
def test_an_invalid_pid_gets_no_code(authorize_request):
    with pytest.raises(OidcError):
        authorization_code_issue(request=authorize_request, pid="12345678901")
    assert not AuthorizationCode.objects.exists()


# --- client authentication ----------------------------------------------------------------------


def _basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def client_config(settings):
    settings.OIDC_CLIENT_ID = "smittesporing-dev"
    settings.OIDC_CLIENT_SECRET = "s3cret:with%colon"


def test_client_secret_basic(client_config):
    # RFC 6749 2.3.1: id and secret are form-urlencoded before Basic encoding.
    header = _basic("smittesporing-dev", "s3cret%3Awith%25colon")
    assert client_authenticate(authorization=header, form={}, issuer=ISSUER) == "smittesporing-dev"


def test_client_secret_post(client_config):
    form = {"client_id": "smittesporing-dev", "client_secret": "s3cret:with%colon"}
    assert client_authenticate(authorization="", form=form, issuer=ISSUER) == "smittesporing-dev"


@pytest.mark.parametrize(
    ("authorization", "form"),
    [
        (_basic("smittesporing-dev", "wrong"), {}),
        (_basic("other", "s3cret%3Awith%25colon"), {}),
        ("Basic !!!notbase64", {}),
        ("Basic " + base64.b64encode(b"no-colon").decode(), {}),
        ("", {"client_id": "smittesporing-dev", "client_secret": "wrong"}),
        ("", {"client_id": "smittesporing-dev"}),
        ("", {}),
    ],
)
def test_wrong_client_credentials_are_refused(client_config, authorization, form):
    with pytest.raises(OidcError) as refused:
        client_authenticate(authorization=authorization, form=form, issuer=ISSUER)
    assert refused.value.error == "invalid_client"
    assert refused.value.status == 401


def test_two_authentication_methods_at_once_are_refused(client_config):
    with pytest.raises(OidcError) as refused:
        client_authenticate(
            authorization=_basic("smittesporing-dev", "s3cret%3Awith%25colon"),
            form={"client_secret": "s3cret:with%colon"},
            issuer=ISSUER,
        )
    assert refused.value.error == "invalid_request"


# --- ID token -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_id_token_is_rs256_signed_with_the_idporten_claims(authorize_request):
    fnr = new_fnr()
    code = authorization_code_issue(request=authorize_request, pid=fnr)
    grant = authorization_code_redeem(
        code=code, client_id="smittesporing-dev", redirect_uri=REDIRECT, code_verifier=VERIFIER
    )
    token = jwt.decode(
        id_token_issue(issuer="http://testserver/testidp", grant=grant),
        KeySet.import_key_set(public_jwks()),
        algorithms=["RS256"],
    )
    claims = token.claims
    assert token.header["alg"] == "RS256" and token.header["kid"]
    assert claims["iss"] == "http://testserver/testidp"
    assert claims["aud"] == "smittesporing-dev"
    assert claims["pid"] == fnr
    assert claims["sub"] and fnr not in claims["sub"]
    assert claims["acr"] == "idporten-loa-high"
    assert claims["amr"] == ["BankID"]
    assert claims["nonce"] == "nonce-1"
    assert claims["exp"] - claims["iat"] == 120


@pytest.mark.django_db
def test_the_token_response_has_an_access_token_and_an_id_token(authorize_request):
    code = authorization_code_issue(request=authorize_request, pid=new_fnr())
    grant = authorization_code_redeem(
        code=code, client_id="smittesporing-dev", redirect_uri=REDIRECT, code_verifier=VERIFIER
    )
    response = token_response(issuer="http://testserver/testidp", grant=grant)
    assert response["token_type"] == "Bearer"
    assert response["access_token"] and response["id_token"]
