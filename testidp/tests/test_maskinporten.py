"""The test IdP's Maskinporten token endpoint (O-5): it verifies the signed grant as Digdir's does.

Grants are made here with Authlib's JWTBearerGrant.sign, so each test can break one thing.
"""

import time
import uuid

import pytest
from authlib.oauth2.rfc7523 import JWTBearerGrant
from django.urls import reverse
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey

from registers.maskinporten import GRANT_TYPE, MaskinportenClient
from testidp.keys import public_jwks
from testidp.models import UsedAssertion

pytestmark = pytest.mark.django_db

ISSUER = "http://testserver/testidp/maskinporten/"
CLIENT_ID = "smittesporing-test"
FREG = "folkeregister:deling/offentligmedhjemmel"
KRR = "krr:global/kontaktinformasjon.read"


@pytest.fixture(autouse=True)
def _registered_client(settings, organisation_key):
    settings.MASKINPORTEN_CLIENT_ID = CLIENT_ID
    settings.MASKINPORTEN_KID = organisation_key.kid
    settings.MASKINPORTEN_KEY = organisation_key.as_pem(private=True).decode()
    settings.MASKINPORTEN_KEY_FILE = ""
    settings.FOLKEREGISTER_SCOPE = FREG
    settings.KRR_SCOPE = KRR


def grant(key, *, header=None, drop=(), **claims) -> str:
    """A grant signed by `key`; `drop` names claims to leave out (Authlib always adds iss, aud,
    iat, exp and jti, so those are built with joserfc directly)."""
    now = int(time.time())
    values = {
        "iss": CLIENT_ID,
        "aud": ISSUER,
        "iat": now,
        "exp": now + 60,
        "jti": str(uuid.uuid4()),
        "scope": FREG,
    } | claims
    for name in drop:
        values.pop(name)
    header = header or {"alg": "RS256", "kid": key.kid}
    if {"iss", "aud", "iat", "exp", "jti"} & set(drop):
        return jwt.encode(header, values, key, algorithms=[header["alg"]])
    iss, aud = values.pop("iss", None), values.pop("aud", None)
    iat, exp = values.pop("iat", None), values.pop("exp", None)
    return JWTBearerGrant.sign(
        key,
        issuer=iss,
        audience=aud,
        issued_at=iat,
        expires_at=exp,
        claims=values,
        header=header,
    )


def post(client, assertion, *, grant_type=GRANT_TYPE):
    return client.post(
        reverse("testidp:maskinporten_token"), {"grant_type": grant_type, "assertion": assertion}
    )


def assert_refused(response, error="invalid_grant"):
    assert response.status_code == 400, response.content
    assert response.json()["error"] == error
    assert "access_token" not in response.json()


# --- a good grant ---


def test_a_good_grant_gives_a_signed_access_token_for_its_scope(client, organisation_key):
    response = post(client, grant(organisation_key, scope=f"{FREG} {KRR}"))

    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"], body["scope"]) == (
        "Bearer",
        120,
        f"{FREG} {KRR}",
    )
    assert response["Cache-Control"] == "no-store"
    token = jwt.decode(body["access_token"], KeySet.import_key_set(public_jwks()))
    claims = token.claims
    assert (claims["iss"], claims["client_id"], claims["scope"]) == (
        ISSUER,
        CLIENT_ID,
        f"{FREG} {KRR}",
    )
    assert claims["exp"] - claims["iat"] == 120


def test_our_token_client_gets_a_token(client, organisation_key):
    ours = MaskinportenClient(
        token_url="unused", audience=ISSUER, client_id=CLIENT_ID, key=organisation_key, timeout=5
    )

    assert post(client, ours.grant(KRR)).status_code == 200


def test_discovery_names_the_issuer_and_the_token_endpoint(client):
    body = client.get(reverse("testidp:maskinporten_discovery")).json()

    assert body["issuer"] == ISSUER
    assert body["token_endpoint"] == ISSUER + "token"
    assert body["grant_types_supported"] == [GRANT_TYPE]


# --- the signature and the key ---


def test_a_grant_signed_with_another_key_under_the_registered_kid_is_refused(client):
    impostor = RSAKey.generate_key(2048, parameters={"kid": "test-kid-1"}, private=True)

    assert_refused(post(client, grant(impostor)))


def test_a_tampered_grant_is_refused(client, organisation_key):
    head, payload, signature = grant(organisation_key).split(".")
    other = grant(organisation_key, scope=KRR).split(".")[1]

    assert_refused(post(client, f"{head}.{other}.{signature}"))
    assert payload != other


def test_an_unknown_kid_is_refused(client, organisation_key):
    assert_refused(post(client, grant(organisation_key, header={"alg": "RS256", "kid": "other"})))


def test_a_grant_without_kid_is_refused(client, organisation_key):
    assert_refused(post(client, grant(organisation_key, header={"alg": "RS256"})))


def test_an_hmac_grant_is_refused(client, organisation_key):
    secret = OctKey.generate_key(256)
    header = {"alg": "HS256", "kid": organisation_key.kid}

    assert_refused(post(client, grant(secret, header=header)))


def test_an_unsigned_grant_is_refused(client, organisation_key):
    head, payload, _ = grant(organisation_key).split(".")
    none_header = "eyJhbGciOiJub25lIiwia2lkIjoidGVzdC1raWQtMSJ9"  # {"alg":"none","kid":...}

    assert_refused(post(client, f"{none_header}.{payload}."))
    assert head != none_header


# --- the claims ---


def test_an_unknown_client_is_refused(client, organisation_key):
    assert_refused(post(client, grant(organisation_key, iss="someone-else")))


def test_no_registered_client_refuses_everything(client, organisation_key, settings):
    settings.MASKINPORTEN_CLIENT_ID = ""

    assert_refused(post(client, grant(organisation_key)))


@pytest.mark.parametrize(
    "audience",
    [
        "https://test.maskinporten.no/",
        ISSUER + "token",  # the token endpoint: no longer a valid audience at Digdir
        ISSUER.rstrip("/"),
        [ISSUER, "https://other.example/"],
    ],
)
def test_a_grant_for_another_audience_is_refused(client, organisation_key, audience):
    assert_refused(post(client, grant(organisation_key, aud=audience)))


def test_an_expired_grant_is_refused(client, organisation_key):
    now = int(time.time())

    assert_refused(post(client, grant(organisation_key, iat=now - 200, exp=now - 100)))


def test_a_grant_living_more_than_120_seconds_is_refused(client, organisation_key):
    now = int(time.time())

    assert_refused(post(client, grant(organisation_key, iat=now, exp=now + 121)))
    assert post(client, grant(organisation_key, iat=now, exp=now + 120)).status_code == 200


def test_a_grant_issued_in_the_future_is_refused(client, organisation_key):
    now = int(time.time())

    assert_refused(post(client, grant(organisation_key, iat=now + 30, exp=now + 90)))


def test_a_replayed_grant_is_refused(client, organisation_key):
    assertion = grant(organisation_key)
    assert post(client, assertion).status_code == 200

    assert_refused(post(client, assertion))
    assert UsedAssertion.objects.count() == 1


@pytest.mark.parametrize("claim", ["jti", "scope", "iat", "exp", "iss"])
def test_a_grant_without_a_required_claim_is_refused(client, organisation_key, claim):
    assert_refused(post(client, grant(organisation_key, drop=[claim])))


def test_a_claim_maskinporten_does_not_know_is_refused(client, organisation_key):
    assert_refused(post(client, grant(organisation_key, sub=CLIENT_ID)))


@pytest.mark.parametrize("scope", ["altinn:something", f"{FREG} altinn:something"])
def test_a_scope_not_granted_is_refused(client, organisation_key, scope):
    assert_refused(post(client, grant(organisation_key, scope=scope)), "invalid_scope")


# --- the request ---


def test_another_grant_type_is_refused(client, organisation_key):
    response = post(client, grant(organisation_key), grant_type="client_credentials")

    assert_refused(response, "unsupported_grant_type")


@pytest.mark.parametrize("assertion", ["", "not-a-jwt", "a.b.c", "x" * 9000])
def test_a_missing_or_malformed_assertion_is_refused(client, assertion):
    response = post(client, assertion)

    assert response.status_code == 400
    assert response.json()["error"] in {"invalid_request", "invalid_grant"}


def test_the_endpoint_takes_only_post(client):
    assert client.get(reverse("testidp:maskinporten_token")).status_code == 405


def test_the_endpoint_is_gone_when_the_test_idp_is_off(client, organisation_key, settings):
    settings.TEST_IDP_ENABLED = False

    assert post(client, grant(organisation_key)).status_code == 404
