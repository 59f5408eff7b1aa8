"""The Maskinporten token client: the grant, the cache per scope, threads, errors and logs.

Against FakeTokenServer (fake_servers.py), a real HTTP endpoint that answers like Maskinporten
without checking the grant; the grant's checks are the test IdP's (testidp/tests).
"""

import json
import logging
import threading

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from registers import maskinporten
from registers.maskinporten import (
    GRANT_TYPE,
    MaskinportenClient,
    ScopedToken,
)
from registers.signing_keys import SigningKeyError, private_key_load
from registers.types import (
    MaskinportenError,
    MaskinportenInvalidResponse,
    MaskinportenRefused,
    MaskinportenUnavailable,
    RegisterError,
    RegisterInvalidResponse,
    RegisterUnavailable,
)

AUDIENCE = "https://test.maskinporten.no/"
CLIENT_ID = "0a1b2c3d-client"
FREG = "folkeregister:deling/offentligmedhjemmel"
KRR = "krr:global/kontaktinformasjon.read"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_client(server, key, *, clock=None, timeout=5.0) -> MaskinportenClient:
    return MaskinportenClient(
        token_url=server.url,
        audience=AUDIENCE,
        client_id=CLIENT_ID,
        key=key,
        timeout=timeout,
        **({"clock": clock} if clock else {}),
    )


def decoded_grant(form: dict, key: RSAKey):
    return jwt.decode(form["assertion"], key, algorithms=["RS256"])


# --- the grant ---


def test_the_grant_is_what_maskinporten_asks_for_and_nothing_more(
    fake_token_server, organisation_key
):
    make_client(fake_token_server, organisation_key).access_token(FREG)

    (form,) = fake_token_server.requests
    assert set(form) == {"grant_type", "assertion"}
    assert form["grant_type"] == GRANT_TYPE == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    grant = decoded_grant(form, organisation_key)
    assert grant.header == {"typ": "JWT", "alg": "RS256", "kid": "test-kid-1"}
    claims = grant.claims
    assert set(claims) == {"iss", "aud", "scope", "iat", "exp", "jti"}
    assert (claims["iss"], claims["aud"], claims["scope"]) == (CLIENT_ID, AUDIENCE, FREG)
    assert 0 < claims["exp"] - claims["iat"] <= 120


def test_each_grant_has_its_own_jti(fake_token_server, organisation_key):
    client = make_client(fake_token_server, organisation_key)
    first, second = client.grant(FREG), client.grant(FREG)

    jtis = {jwt.decode(g, organisation_key).claims["jti"] for g in (first, second)}
    assert len(jtis) == 2


# --- the cache ---


def test_a_token_is_fetched_once_and_reused_for_its_scope(fake_token_server, organisation_key):
    client = make_client(fake_token_server, organisation_key)

    assert client.access_token(FREG) == client.access_token(FREG) == "token-1"
    assert len(fake_token_server.requests) == 1


def test_each_scope_has_its_own_token(fake_token_server, organisation_key):
    client = make_client(fake_token_server, organisation_key)

    assert client.access_token(FREG) != client.access_token(KRR)
    assert client.access_token(FREG) == "token-1"
    scopes = [
        decoded_grant(f, organisation_key).claims["scope"] for f in fake_token_server.requests
    ]
    assert scopes == [FREG, KRR]


def test_a_token_is_replaced_shortly_before_it_expires(fake_token_server, organisation_key):
    clock = Clock()
    client = make_client(fake_token_server, organisation_key, clock=clock)
    assert client.access_token(FREG) == "token-1"  # expires_in 120 at t=0

    clock.now += 120 - maskinporten.REFRESH_MARGIN_SECONDS - 0.5
    assert client.access_token(FREG) == "token-1"
    clock.now += 1
    assert client.access_token(FREG) == "token-2"
    assert len(fake_token_server.requests) == 2


def test_a_short_lived_token_is_replaced_at_half_its_life(fake_token_server, organisation_key):
    fake_token_server.expires_in = 10
    clock = Clock()
    client = make_client(fake_token_server, organisation_key, clock=clock)
    client.access_token(FREG)

    clock.now += 4.9
    assert client.access_token(FREG) == "token-1"
    clock.now += 0.2
    assert client.access_token(FREG) == "token-2"


def test_forget_makes_the_next_call_fetch_a_new_token(fake_token_server, organisation_key):
    client = make_client(fake_token_server, organisation_key)
    token = ScopedToken(client=client, scope=KRR)
    assert token.get() == "token-1"

    token.forget()

    assert token.get() == "token-2"


def test_concurrent_callers_share_one_fetch(fake_token_server, organisation_key):
    fake_token_server.delay = 0.3  # every caller arrives while the first fetch is under way
    client = make_client(fake_token_server, organisation_key)
    start = threading.Barrier(8)
    got: list[str] = []

    def call():
        start.wait()
        got.append(client.access_token(FREG))

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert got == ["token-1"] * 8
    assert len(fake_token_server.requests) == 1


def test_a_fetch_for_one_scope_does_not_hold_up_another(fake_token_server, organisation_key):
    fake_token_server.delay = 0.3
    client = make_client(fake_token_server, organisation_key)
    start = threading.Barrier(4)
    got: dict[str, set[str]] = {FREG: set(), KRR: set()}

    def call(scope):
        start.wait()
        got[scope].add(client.access_token(scope))

    threads = [threading.Thread(target=call, args=(s,)) for s in (FREG, FREG, KRR, KRR)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert len(fake_token_server.requests) == 2
    assert len(got[FREG]) == len(got[KRR]) == 1 and got[FREG] != got[KRR]


# --- errors, in the register error family ---


def test_a_refused_connection_is_unavailable(fake_token_server, organisation_key):
    fake_token_server.refuse_connections()

    with pytest.raises(MaskinportenUnavailable) as raised:
        make_client(fake_token_server, organisation_key).access_token(FREG)
    assert isinstance(raised.value, RegisterUnavailable)
    assert raised.value.__cause__ is None  # the requests exception (with the URL) is dropped


def test_a_silent_endpoint_is_unavailable_after_the_timeout(fake_token_server, organisation_key):
    fake_token_server.mode = "hang"

    with pytest.raises(MaskinportenUnavailable):
        make_client(fake_token_server, organisation_key, timeout=0.2).access_token(FREG)


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_is_unavailable(fake_token_server, organisation_key, status):
    fake_token_server.answer = (status, b'{"error": "server_error"}')

    with pytest.raises(MaskinportenUnavailable):
        make_client(fake_token_server, organisation_key).access_token(FREG)


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"error": "invalid_grant", "error_description": "Invalid assertion"}, "invalid_grant"),
        ({"error": "invalid_scope"}, "invalid_scope"),
        ({"error": "invalid_client"}, "invalid_client"),
        ({"error": "<script>"}, "other"),
        ({}, "other"),
    ],
)
def test_a_refused_grant_is_refused_with_a_safe_error_code(
    fake_token_server, organisation_key, body, error
):
    fake_token_server.answer = (400, json.dumps(body).encode())

    with pytest.raises(MaskinportenRefused) as raised:
        make_client(fake_token_server, organisation_key).access_token(FREG)
    assert raised.value.error == error
    assert isinstance(raised.value, MaskinportenError)
    assert isinstance(raised.value, RegisterError)


@pytest.mark.parametrize(
    "body",
    [
        b"<html>not json",
        b"[]",
        b'{"expires_in": 120}',
        b'{"access_token": "", "expires_in": 120}',
        b'{"access_token": 42, "expires_in": 120}',
        b'{"access_token": "abc def", "expires_in": 120}',
        b'{"access_token": "abc"}',
        b'{"access_token": "abc", "expires_in": "120"}',
        b'{"access_token": "abc", "expires_in": true}',
        b'{"access_token": "abc", "expires_in": 0}',
        b'{"access_token": "abc", "expires_in": 120, "token_type": "DPoP"}',
    ],
)
def test_a_malformed_answer_is_invalid(fake_token_server, organisation_key, body):
    fake_token_server.answer = (200, body)

    with pytest.raises(MaskinportenInvalidResponse) as raised:
        make_client(fake_token_server, organisation_key).access_token(FREG)
    assert isinstance(raised.value, RegisterInvalidResponse)


def test_a_redirect_is_invalid_not_followed(fake_token_server, organisation_key):
    fake_token_server.answer = (302, b"{}")

    with pytest.raises(MaskinportenInvalidResponse):
        make_client(fake_token_server, organisation_key).access_token(FREG)


def test_a_failure_is_not_cached(fake_token_server, organisation_key):
    client = make_client(fake_token_server, organisation_key)
    fake_token_server.answer = (503, b"{}")
    with pytest.raises(MaskinportenUnavailable):
        client.access_token(FREG)

    fake_token_server.answer = None

    assert client.access_token(FREG) == "token-2"


# --- no token in any log ---


def test_no_token_or_grant_in_logs_errors_or_reprs(fake_token_server, organisation_key, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_client(fake_token_server, organisation_key)
    token = client.access_token(FREG)
    client.forget(FREG)
    client.access_token(FREG)
    fake_token_server.answer = (400, b'{"error": "invalid_grant", "error_description": "tok-x"}')
    client.forget(FREG)
    with pytest.raises(MaskinportenRefused) as raised:
        client.access_token(FREG)

    grants = [form["assertion"] for form in fake_token_server.requests]
    text = caplog.text + str(raised.value) + repr(client) + repr(client._cache)
    assert "Maskinporten: new access token for " + FREG in caplog.text
    for secret in [token, "token-2", "tok-x", *grants, *(g.split(".")[2] for g in grants)]:
        assert secret not in text


# --- the key ---


def _pem(key: RSAKey, *, private=True) -> str:
    return key.as_pem(private=private).decode()


def test_the_key_is_read_from_a_pem_file(tmp_path, organisation_key):
    path = tmp_path / "key.pem"
    path.write_text(_pem(organisation_key))

    key = private_key_load(path=str(path), kid="registered-kid")

    assert key.kid == "registered-kid"
    assert key.is_private
    assert key.as_dict(private=False)["n"] == organisation_key.as_dict(private=False)["n"]


def test_the_key_is_read_from_the_environment_as_pem_or_jwk(organisation_key):
    as_jwk = json.dumps(organisation_key.as_dict(private=True))

    for text in (_pem(organisation_key), as_jwk):
        assert private_key_load(pem_or_jwk=text, kid="k").kid == "k"


@pytest.mark.parametrize(
    "arguments",
    [
        {"kid": "k"},  # neither
        {"pem_or_jwk": "x", "path": "/y", "kid": "k"},  # both
        {"path": "/nonexistent/key.pem", "kid": "k"},
        {
            "pem_or_jwk": "-----BEGIN PRIVATE KEY-----\nc2VjcmV0\n-----END PRIVATE KEY-----",
            "kid": "k",
        },
        {"pem_or_jwk": '{"kty": "oct", "k": "c2VjcmV0"}', "kid": "k"},
    ],
)
def test_an_unusable_key_is_refused_without_quoting_it(arguments):
    with pytest.raises(SigningKeyError) as raised:
        private_key_load(**arguments)
    assert "c2VjcmV0" not in str(raised.value)


def test_a_public_key_is_refused(organisation_key):
    with pytest.raises(SigningKeyError, match="public"):
        private_key_load(pem_or_jwk=_pem(organisation_key, private=False), kid="k")


def test_a_missing_kid_is_refused(organisation_key):
    with pytest.raises(SigningKeyError, match="kid"):
        private_key_load(pem_or_jwk=_pem(organisation_key), kid="")


# --- one client per configuration, shared ---


def test_the_process_shares_one_client_per_configuration(settings, organisation_key):
    maskinporten.client_cache_clear()
    settings.MASKINPORTEN_KEY = _pem(organisation_key)
    settings.MASKINPORTEN_KEY_FILE = ""
    settings.MASKINPORTEN_KID = "k1"
    settings.MASKINPORTEN_CLIENT_ID = CLIENT_ID
    first = maskinporten.client_get(settings)

    assert maskinporten.client_get(settings) is first
    settings.MASKINPORTEN_CLIENT_ID = "another-client"
    assert maskinporten.client_get(settings) is not first
    maskinporten.client_cache_clear()


def test_an_unusable_key_is_a_register_error_and_not_remembered(
    settings, tmp_path, organisation_key
):
    maskinporten.client_cache_clear()
    path = tmp_path / "key.pem"
    settings.MASKINPORTEN_KEY, settings.MASKINPORTEN_KEY_FILE = "", str(path)
    settings.MASKINPORTEN_KID, settings.MASKINPORTEN_CLIENT_ID = "k1", CLIENT_ID

    with pytest.raises(MaskinportenUnavailable):
        maskinporten.client_get(settings)

    path.write_text(_pem(organisation_key))
    assert maskinporten.client_get(settings).grant(FREG)
    maskinporten.client_cache_clear()
