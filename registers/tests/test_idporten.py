"""The OIDC client adapter (C-1): ID token verification, client cache, provider failures."""

import base64
import json
import socket
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from joserfc import jwt
from joserfc.jwk import KeySet, OctKey, RSAKey
from stdnum.no.fodselsnummer import calc_check_digit1, calc_check_digit2

from registers import idporten
from tests.factories import new_fnr

ISSUER = "https://idporten.example/"
CLIENT_ID = "smittesporing-test"
NONCE = "n-0S6_WzA2Mj"


@pytest.fixture(scope="module")
def provider_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "provider-1", "alg": "RS256"})


@pytest.fixture(scope="module")
def jwks(provider_key) -> dict:
    return KeySet([provider_key]).as_dict(private=False)


@pytest.fixture(autouse=True)
def _fresh_oidc_client():
    idporten.client_cache_clear()
    yield
    idporten.client_cache_clear()


def claims(**overrides) -> dict:
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "pairwise-subject",
        "pid": new_fnr(),
        "acr": "idporten-loa-high",
        "amr": ["BankID"],
        "nonce": NONCE,
        "iat": now,
        "exp": now + 120,
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def sign(key: RSAKey, payload: dict, *, kid: str | None = "provider-1") -> str:
    header = {"alg": "RS256"} | ({"kid": kid} if kid else {})
    return jwt.encode(header, payload, key, algorithms=["RS256"])


def verify(token: str, jwks: dict, **overrides):
    arguments = {"issuer": ISSUER, "client_id": CLIENT_ID, "nonce": NONCE} | overrides
    return idporten.id_token_verify(id_token=token, jwks=jwks, **arguments)


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


# --- id_token_verify -----------------------------------------------------------------------------


def test_a_good_token_gives_its_claims(provider_key, jwks):
    payload = claims()
    result = verify(sign(provider_key, payload), jwks)
    assert result["pid"] == payload["pid"]
    assert result["acr"] == "idporten-loa-high"


def test_a_token_without_kid_is_checked_against_the_key_set(provider_key, jwks):
    payload = claims()
    assert verify(sign(provider_key, payload, kid=None), jwks)["pid"] == payload["pid"]


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"exp": int(time.time()) - 300}, "id_token_expired"),
        ({"aud": "another-client"}, "id_token_claim_aud"),
        ({"iss": "https://evil.example/"}, "id_token_claim_iss"),
        ({"nonce": "another-nonce"}, "id_token_claim_nonce"),
        ({"nonce": None}, "id_token_claim_nonce"),
        ({"exp": None}, "id_token_claim_exp"),
        ({"iat": int(time.time()) + 3600}, "id_token_claim_iat"),
        ({"pid": None}, "pid_missing"),
        ({"pid": ""}, "pid_missing"),
        ({"pid": 12345678901}, "pid_missing"),
        ({"pid": "12345678901"}, "pid_invalid"),
        ({"aud": [CLIENT_ID, "someone-else"]}, "id_token_claim_azp"),
    ],
)
def test_a_token_failing_a_claim_check_is_refused(provider_key, jwks, overrides, reason):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    with pytest.raises(idporten.LoginRefused) as refused:
        verify(sign(provider_key, claims(**overrides)), jwks)
    assert refused.value.reason == reason
    assert refused.value.status == 400


def test_a_token_with_a_broken_pid_checksum_is_refused(provider_key, jwks):
    fnr = new_fnr()
    broken = fnr[:10] + str((int(fnr[10]) + 1) % 10)
    with pytest.raises(idporten.LoginRefused) as refused:
        verify(sign(provider_key, claims(pid=broken)), jwks)
    assert refused.value.reason == "pid_invalid"
    assert broken not in str(refused.value)


def test_synthetic_pid_is_refused_where_synthetic_numbers_are_off(provider_key, jwks, settings):
    settings.ALLOW_SYNTHETIC_FNR = False
    with pytest.raises(idporten.LoginRefused) as refused:
        verify(sign(provider_key, claims()), jwks)
    assert refused.value.reason == "pid_invalid"


def _synthetic_dnummer() -> str:
    """A synthetic d-nummer: day + 40, with check digits recomputed (some bases have none)."""
    for _ in range(100):
        base = new_fnr()[:9]
        base = str(int(base[0]) + 4) + base[1:]
        first = calc_check_digit1(base)
        second = calc_check_digit2(base + first) if first != "10" else "10"
        if "10" not in (first, second):
            return base + first + second
    raise AssertionError("no d-nummer found")


def test_a_dnummer_is_a_valid_pid(provider_key, jwks):
    dnummer = _synthetic_dnummer()
    assert verify(sign(provider_key, claims(pid=dnummer)), jwks)["pid"] == dnummer


@pytest.mark.parametrize("acr", ["idporten-loa-substantial", "idporten-loa-low", None])
def test_a_login_below_level_high_is_refused_with_403(provider_key, jwks, acr):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    with pytest.raises(idporten.InsufficientLevel) as refused:
        verify(sign(provider_key, claims(acr=acr)), jwks)
    assert refused.value.status == 403


def test_alg_none_is_refused(jwks):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    unsigned = f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims())}."
    with pytest.raises(idporten.LoginRefused) as refused:
        verify(unsigned, jwks)
    assert refused.value.reason == "id_token_signature"


def test_hs256_signed_with_the_public_key_is_refused(jwks):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    # The classic confusion attack: HMAC keyed with the RSA public key material.
    public_as_secret = OctKey.import_key(json.dumps(jwks["keys"][0]))
    token = jwt.encode(
        {"alg": "HS256", "kid": "provider-1"}, claims(), public_as_secret, algorithms=["HS256"]
    )
    with pytest.raises(idporten.LoginRefused) as refused:
        verify(token, jwks)
    assert refused.value.reason == "id_token_signature"


def test_a_token_signed_with_an_unknown_key_is_refused(jwks):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger", "alg": "RS256"})
    with pytest.raises(idporten.UnknownSigningKey):
        verify(sign(stranger, claims(), kid="stranger"), jwks)


def test_a_token_signed_with_another_key_under_a_known_kid_is_refused(jwks):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    impostor = RSAKey.generate_key(2048, parameters={"kid": "provider-1", "alg": "RS256"})
    with pytest.raises(idporten.LoginRefused) as refused:
        verify(sign(impostor, claims()), jwks)
    assert refused.value.reason == "id_token_signature"


def test_a_tampered_payload_is_refused(provider_key, jwks):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    header, _, signature = sign(provider_key, claims()).split(".")
    forged = f"{header}.{_b64(claims(pid=new_fnr()))}.{signature}"
    with pytest.raises(idporten.LoginRefused):
        verify(forged, jwks)


@pytest.mark.parametrize("token", ["", "garbage", "a.b.c", "a.b"])
def test_a_malformed_token_is_refused(jwks, token):
    with pytest.raises(idporten.LoginRefused):
        verify(token, jwks)


def test_an_empty_expected_nonce_refuses_everything(provider_key, jwks):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    with pytest.raises(idporten.LoginRefused):
        verify(sign(provider_key, claims(nonce="")), jwks, nonce="")


@pytest.mark.parametrize("bad_jwks", [{}, {"keys": []}, {"keys": [{"kty": "RSA"}]}])
def test_a_malformed_jwks_is_a_provider_error(provider_key, bad_jwks):
    with pytest.raises(idporten.ProviderError) as failed:
        verify(sign(provider_key, claims()), bad_jwks)
    assert failed.value.status == 502


def test_login_result_repr_hides_the_pid():
    fnr = new_fnr()
    login = idporten.CitizenLogin(pid=fnr, id_token="x.y.z", next_path="/innlogget/")
    assert fnr not in repr(login)


# --- The Authlib client and its cache ------------------------------------------------------------


def test_the_client_follows_the_current_settings(settings):
    settings.OIDC_DISCOVERY_URL = "https://one.example/.well-known/openid-configuration"
    first = idporten.client_get()
    assert idporten.client_get() is first
    settings.OIDC_DISCOVERY_URL = "https://two.example/.well-known/openid-configuration"
    second = idporten.client_get()
    assert second is not first
    assert second._server_metadata_url == settings.OIDC_DISCOVERY_URL
    assert second.client_kwargs["code_challenge_method"] == "S256"
    assert second.client_kwargs["default_timeout"] == settings.OIDC_HTTP_TIMEOUT_SECONDS


def test_private_key_jwt_puts_the_key_in_the_client(settings, organisation_key):
    settings.OIDC_CLIENT_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KID = "registered-kid"
    settings.OIDC_CLIENT_KEY = organisation_key.as_pem(private=True).decode()
    settings.OIDC_CLIENT_KEY_FILE = ""

    client = idporten.client_get()

    auth = client.client_kwargs["token_endpoint_auth_method"]
    assert auth.name == "private_key_jwt" and auth.headers == {"kid": "registered-kid"}
    assert client.client_secret.kid == "registered-kid" and client.client_secret.is_private


def test_an_unusable_client_key_is_a_provider_error(settings):
    settings.OIDC_CLIENT_AUTH_METHOD = "private_key_jwt"
    settings.OIDC_CLIENT_KID = "k"
    settings.OIDC_CLIENT_KEY, settings.OIDC_CLIENT_KEY_FILE = "", "/nonexistent/key.pem"

    with pytest.raises(idporten.ProviderError, match="client_key_unusable"):
        idporten.client_get()


def test_an_unknown_client_auth_method_is_a_provider_error(settings):
    settings.OIDC_CLIENT_AUTH_METHOD = "client_secret_post"

    with pytest.raises(idporten.ProviderError, match="client_auth_method_unknown"):
        idporten.client_get()


def test_stale_metadata_is_read_again(settings, monkeypatch):
    first = idporten.client_get()
    made_at = time.monotonic()
    monkeypatch.setattr(
        idporten.time, "monotonic", lambda: made_at + idporten.METADATA_MAX_AGE_SECONDS - 1
    )
    assert idporten.client_get() is first  # not yet an hour old
    monkeypatch.setattr(
        idporten.time, "monotonic", lambda: made_at + idporten.METADATA_MAX_AGE_SECONDS + 1
    )
    assert idporten.client_get() is not first


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_an_unreachable_provider_is_unavailable(settings):
    settings.OIDC_DISCOVERY_URL = (
        f"http://127.0.0.1:{_closed_port()}/.well-known/openid-configuration"
    )
    session = SessionStore()
    with pytest.raises(idporten.ProviderUnavailable) as failed:
        idporten.login_start(
            session=session, redirect_uri="http://testserver/cb", next_path="/innlogget/"
        )
    assert failed.value.reason == "discovery_unreachable"
    assert failed.value.status == 503
    assert not any(key.startswith("_state_") for key, _value in session.items())


@pytest.mark.django_db
def test_a_silent_provider_times_out(settings):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.OIDC_DISCOVERY_URL = (
            f"http://127.0.0.1:{silent.getsockname()[1]}/.well-known/openid-configuration"
        )
        settings.OIDC_HTTP_TIMEOUT_SECONDS = 1
        with pytest.raises(idporten.ProviderUnavailable) as failed:
            idporten.login_start(
                session=SessionStore(), redirect_uri="http://testserver/cb", next_path="/"
            )
    assert failed.value.reason == "discovery_timeout"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "error", "reason"),
    [
        ({}, idporten.LoginRefused, "state_missing"),
        ({"code": "abc"}, idporten.LoginRefused, "state_missing"),
        ({"code": "abc", "state": "unknown"}, idporten.LoginRefused, "state_unknown"),
    ],
)
def test_a_callback_without_a_known_state_is_refused_before_any_provider_call(
    settings, params, error, reason
):
    """S4: the token check itself (end to end in selfreg/tests/test_oidc_negative.py)."""
    # The provider is unreachable: the state check must come first and refuse on its own.
    settings.OIDC_DISCOVERY_URL = (
        f"http://127.0.0.1:{_closed_port()}/.well-known/openid-configuration"
    )
    with pytest.raises(error) as refused:
        idporten.login_complete(session=SessionStore(), params=params)
    assert refused.value.reason == reason


@pytest.mark.django_db
def test_unknown_provider_error_codes_are_not_logged_as_given(settings):
    client = idporten.client_get()
    session = SessionStore()
    client.framework.set_state_data(
        session,
        "s1",
        {"redirect_uri": "x", "nonce": "n", "code_verifier": "v", "next_path": "/"},
    )
    with pytest.raises(idporten.LoginCancelled) as cancelled:
        idporten.login_complete(
            session=session, params={"state": "s1", "error": f"server_error\n{new_fnr()} Kari"}
        )
    assert cancelled.value.reason == "provider_error_other"
    # The state is spent even though the login failed.
    assert client.framework.get_state_data(session, "s1") is None
