"""The test IdP's private_key_jwt client authentication (RFC 7523 2.2), as ID-porten's.

Assertions are made with Authlib's private_key_jwt_sign, as the login's client makes them, and
broken one thing at a time.
"""

import time

import pytest
from authlib.oauth2.rfc7523 import private_key_jwt_sign
from joserfc import jwt
from joserfc.jwk import RSAKey

from testidp.models import UsedAssertion
from testidp.services import CLIENT_ASSERTION_TYPE, OidcError, client_authenticate

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver/testidp"
CLIENT_ID = "smittesporing-dev"


@pytest.fixture(autouse=True)
def _registered_for_private_key_jwt(settings, organisation_key):
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = "dev-client-secret"
    settings.OIDC_CLIENT_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KID = organisation_key.kid
    settings.OIDC_CLIENT_KEY = organisation_key.as_pem(private=True).decode()
    settings.OIDC_CLIENT_KEY_FILE = ""


def assertion(key, *, audience=ISSUER, client_id=CLIENT_ID, kid=None, **kwargs) -> str:
    return private_key_jwt_sign(
        key,
        client_id=client_id,
        token_endpoint=audience,
        header={"kid": kid or key.kid},
        expires_in=kwargs.pop("expires_in", 60),
        **kwargs,
    )


def form(value: str, **extra) -> dict:
    return {"client_assertion_type": CLIENT_ASSERTION_TYPE, "client_assertion": value} | extra


def authenticate(data: dict, authorization: str = "") -> str:
    return client_authenticate(authorization=authorization, form=data, issuer=ISSUER)


def assert_refused(data: dict, authorization: str = "", error="invalid_client") -> None:
    with pytest.raises(OidcError) as refused:
        authenticate(data, authorization)
    assert refused.value.error == error


def test_a_good_assertion_authenticates_the_client(organisation_key):
    assert authenticate(form(assertion(organisation_key), client_id=CLIENT_ID)) == CLIENT_ID
    assert UsedAssertion.objects.count() == 1


def test_an_assertion_signed_with_another_key_is_refused():
    impostor = RSAKey.generate_key(2048, parameters={"kid": "test-kid-1"}, private=True)

    assert_refused(form(assertion(impostor)))


def test_the_token_endpoint_is_not_the_audience_id_porten_wants(organisation_key):
    assert_refused(form(assertion(organisation_key, audience=ISSUER + "/token")))


def test_an_unknown_client_is_refused(organisation_key):
    assert_refused(form(assertion(organisation_key, client_id="someone-else")))


def test_a_client_id_that_differs_from_the_assertion_is_refused(organisation_key):
    assert_refused(form(assertion(organisation_key), client_id="someone-else"))


def test_an_expired_assertion_is_refused(organisation_key):
    now = int(time.time())
    claims = {"iss": CLIENT_ID, "sub": CLIENT_ID, "aud": ISSUER, "jti": "j1"}
    expired = jwt.encode(
        {"alg": "RS256", "kid": organisation_key.kid},
        claims | {"iat": now - 200, "exp": now - 100},
        organisation_key,
    )

    assert_refused(form(expired))


def test_an_assertion_living_more_than_120_seconds_is_refused(organisation_key):
    assert_refused(form(assertion(organisation_key, expires_in=3600)))


def test_an_assertion_whose_subject_is_not_its_issuer_is_refused(organisation_key):
    now = int(time.time())
    claims = {"iss": CLIENT_ID, "sub": "other", "aud": ISSUER, "jti": "j2", "iat": now}
    token = jwt.encode(
        {"alg": "RS256", "kid": organisation_key.kid}, claims | {"exp": now + 60}, organisation_key
    )

    assert_refused(form(token))


def test_a_replayed_assertion_is_refused(organisation_key):
    value = assertion(organisation_key)
    assert authenticate(form(value)) == CLIENT_ID

    assert_refused(form(value))


def test_a_wrong_assertion_type_is_refused(organisation_key):
    data = form(assertion(organisation_key))
    data["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer"

    assert_refused(data)


def test_an_assertion_with_basic_credentials_too_is_refused(organisation_key):
    assert_refused(form(assertion(organisation_key)), "Basic eDp5", error="invalid_request")


def test_a_secret_is_refused_when_the_client_is_registered_for_private_key_jwt():
    assert_refused({"client_id": CLIENT_ID, "client_secret": "dev-client-secret"})


def test_an_assertion_is_refused_when_the_client_is_registered_for_a_secret(
    organisation_key, settings
):
    settings.OIDC_CLIENT_AUTH_METHOD = "client_secret_basic"

    assert_refused(form(assertion(organisation_key)))


def test_a_malformed_assertion_is_refused():
    assert_refused(form("not-a-jwt"))
