"""ID-porten: the OpenID Connect client behind the citizen login (C-1).

Authlib drives the protocol: discovery, the authorization URL with state, nonce and PKCE
(S256), the token request with client_secret_basic or, as Digdir recommends, private_key_jwt
(OIDC_CLIENT_AUTH_METHOD: a client assertion signed with the organisation's key, its `aud`
ID-porten's issuer). The ID token is verified here, with the
algorithm pinned to RS256 rather than taken from the provider's metadata, and `acr` and `pid`
are checked as C-1 demands. Production points the same code at ID-porten by configuration
alone (OIDC_DISCOVERY_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET); development and the tests
point it at the bundled test identity provider (O-5, app `testidp`).

Every failure becomes an `IdportenError` whose `reason` is a short code that is safe to log:
no fødselsnummer, name or token ever goes into a log line or an exception message.
"""

import re
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.oauth2.rfc7523 import PrivateKeyJWT, private_key_jwt_sign
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from joserfc import jwt
from joserfc.errors import ClaimError, ExpiredTokenError, InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from core.i18n import ui_locales
from registers.identity import is_valid_fnr
from registers.signing_keys import SigningKeyError, private_key_load

ACR_HIGH = "idporten-loa-high"
SCOPE = "openid profile"
ID_TOKEN_ALGORITHMS = ["RS256"]  # ID-porten signs with RS256; never "none" or HMAC
ID_TOKEN_LEEWAY_SECONDS = 30  # clock skew between us and the provider
METADATA_MAX_AGE_SECONDS = 3600  # re-read discovery (and JWKS) at least hourly
_CLIENT_NAME = "idporten"
_DISCOVERY_SUFFIX = "/.well-known/openid-configuration"
_REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
CLIENT_AUTH_METHODS = ("client_secret_basic", "private_key_jwt")
CLIENT_ASSERTION_LIFETIME_SECONDS = 60  # ID-porten accepts at most 120 (exp - iat)


class IdportenError(Exception):
    """The login did not succeed. `reason` is safe to log; `status` is the HTTP answer."""

    status = 400

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class LoginRefused(IdportenError):
    """The callback or the token failed a check (state, code, signature, claims)."""


class LoginCancelled(IdportenError):
    """The citizen cancelled at the provider, or the provider refused the login."""


class InsufficientLevel(LoginRefused):
    """The login was not at security level high (acr), C-1."""

    status = 403


class UnknownSigningKey(LoginRefused):
    """The ID token names a key that is not in the provider's JWKS."""


class ProviderUnavailable(IdportenError):
    """The provider could not be reached in time."""

    status = 503


class ProviderError(IdportenError):
    """The provider answered, but not with what the protocol says."""

    status = 502


@dataclass(frozen=True)
class CitizenLogin:
    """A completed login: the verified `pid`, the raw ID token (for end-session) and where to go."""

    pid: str
    id_token: str
    next_path: str

    def __repr__(self) -> str:  # keep the fødselsnummer out of tracebacks and debug output
        return f"CitizenLogin(next_path={self.next_path!r})"


# One Authlib client per configuration. Authlib caches the provider's metadata and JWKS on the
# client object, so the cache is keyed by the settings that shape the client: a test that
# overrides OIDC_DISCOVERY_URL (live_server) gets its own client, and a new key never reuses
# another provider's metadata.
# Each client is kept with the time it was made: Authlib reads the metadata on first use, so the
# metadata is never older than the client, and a client older than METADATA_MAX_AGE_SECONDS is
# replaced (Authlib's own load time is a private key in its metadata dict).
_clients: dict[tuple, tuple[DjangoOAuth2App, float]] = {}
_clients_lock = threading.Lock()


def _client_key() -> tuple:
    return (
        settings.OIDC_DISCOVERY_URL,
        settings.OIDC_CLIENT_ID,
        settings.OIDC_CLIENT_SECRET,
        settings.OIDC_HTTP_TIMEOUT_SECONDS,
        settings.OIDC_CLIENT_AUTH_METHOD,
        settings.OIDC_CLIENT_KID,
        settings.OIDC_CLIENT_KEY,
        settings.OIDC_CLIENT_KEY_FILE,
    )


class _PrivateKeyJwt(PrivateKeyJWT):
    """Authlib's private_key_jwt, with what ID-porten asks of the assertion: `aud` is its
    issuer (Authlib's default, the token endpoint URL, is refused), the registered `kid` in
    the header, and a short life. The issuer is the one discovery gave and _metadata checked."""

    def __init__(self, *, kid: str):
        super().__init__(headers={"kid": kid}, alg="RS256")
        self.issuer: str | None = None

    def sign(self, auth, token_endpoint):
        if not self.issuer:
            raise ProviderError("discovery_issuer_unknown")
        return private_key_jwt_sign(
            auth.client_secret,
            client_id=auth.client_id,
            token_endpoint=self.issuer,
            alg=self.alg,
            header=dict(self.headers),
            expires_in=CLIENT_ASSERTION_LIFETIME_SECONDS,
        )


def _client_new() -> DjangoOAuth2App:
    method = settings.OIDC_CLIENT_AUTH_METHOD
    if method not in CLIENT_AUTH_METHODS:
        raise ProviderError("client_auth_method_unknown")
    client_secret: Any = settings.OIDC_CLIENT_SECRET
    auth: Any = "client_secret_basic"
    if method == "private_key_jwt":
        # Authlib's PrivateKeyJWT signs with the client secret slot: there the key goes.
        try:
            client_secret = private_key_load(
                pem_or_jwk=settings.OIDC_CLIENT_KEY,
                path=settings.OIDC_CLIENT_KEY_FILE,
                kid=settings.OIDC_CLIENT_KID,
            )
        except SigningKeyError as exc:  # the startup checks should have caught it
            raise ProviderError("client_key_unusable") from exc
        auth = _PrivateKeyJwt(kid=settings.OIDC_CLIENT_KID)
    return OAuth().register(
        _CLIENT_NAME,
        client_id=settings.OIDC_CLIENT_ID,
        client_secret=client_secret,
        server_metadata_url=settings.OIDC_DISCOVERY_URL,
        client_kwargs={
            "scope": SCOPE,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": auth,
            # Every HTTP call (discovery, JWKS, token) gives up after this many seconds.
            "default_timeout": settings.OIDC_HTTP_TIMEOUT_SECONDS,
        },
    )


def client_get() -> DjangoOAuth2App:
    """The Authlib client for the current settings; metadata older than an hour is re-read."""
    key = _client_key()
    now = time.monotonic()
    with _clients_lock:
        cached = _clients.get(key)
        if cached is None or now - cached[1] > METADATA_MAX_AGE_SECONDS:
            cached = _clients[key] = (_client_new(), now)
        return cached[0]


def client_cache_clear() -> None:
    with _clients_lock:
        _clients.clear()


def _client_forget() -> None:
    """Drop the cached client for the current settings, so the next login reads discovery anew."""
    with _clients_lock:
        _clients.pop(_client_key(), None)


# The error codes of RFC 6749 (4.1.2.1, 5.2) and OpenID Connect Core (3.1.2.6). Anything else
# that arrives in the callback's query string (which anyone can craft) is logged as "other".
_OAUTH_ERRORS = frozenset(
    {
        "access_denied",
        "invalid_request",
        "unauthorized_client",
        "unsupported_response_type",
        "invalid_scope",
        "server_error",
        "temporarily_unavailable",
        "invalid_client",
        "invalid_grant",
        "unsupported_grant_type",
        "interaction_required",
        "login_required",
        "account_selection_required",
        "consent_required",
        "invalid_request_uri",
        "invalid_request_object",
        "request_not_supported",
        "request_uri_not_supported",
        "registration_not_supported",
    }
)


def _known_error(value: object) -> str:
    return value if isinstance(value, str) and value in _OAUTH_ERRORS else "other"


def _safe_code(value: object) -> str:
    """A claim name reduced to something safe to put in a log line."""
    return re.sub(r"[^a-z0-9_]", "", str(value).lower())[:40] or "unknown"


def _provider_call(what: str, call, *args, **kwargs):
    """Run one HTTP exchange with the provider, mapping transport failures to our errors."""
    try:
        return call(*args, **kwargs)
    except requests.Timeout as exc:
        raise ProviderUnavailable(f"{what}_timeout") from exc
    except requests.ConnectionError as exc:
        raise ProviderUnavailable(f"{what}_unreachable") from exc
    except requests.HTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "unknown"
        raise ProviderError(f"{what}_http_{status}") from exc
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        # Not JSON, or JSON of the wrong shape.
        raise ProviderError(f"{what}_malformed") from exc


def _metadata(client: DjangoOAuth2App) -> dict[str, Any]:
    metadata = _provider_call("discovery", client.load_server_metadata)
    issuer = metadata.get("issuer")
    # OpenID Connect Discovery 4.3: the issuer must be the discovery URL's own prefix.
    if not isinstance(issuer, str) or (
        issuer.rstrip("/") + _DISCOVERY_SUFFIX != settings.OIDC_DISCOVERY_URL
    ):
        _client_forget()
        raise ProviderError("discovery_issuer_mismatch")
    if any(not metadata.get(name) for name in _REQUIRED_ENDPOINTS):
        _client_forget()
        raise ProviderError("discovery_incomplete")
    auth = client.client_kwargs.get("token_endpoint_auth_method")
    if isinstance(auth, _PrivateKeyJwt):
        auth.issuer = issuer
    return metadata


def login_start(*, session: SessionBase, redirect_uri: str, next_path: str) -> str:
    """The provider's authorization URL for a new login; remembers state, nonce, PKCE verifier
    and `next_path` in the session under the new state value."""
    client = client_get()
    _metadata(client)
    authorization = client.create_authorization_url(
        redirect_uri, acr_values=settings.OIDC_ACR_VALUES, ui_locales=ui_locales()
    )
    client.framework.set_state_data(
        session,
        authorization["state"],
        {
            "redirect_uri": redirect_uri,
            "nonce": authorization["nonce"],
            "code_verifier": authorization["code_verifier"],
            "next_path": next_path,
        },
    )
    return authorization["url"]


def _pending_login(client: DjangoOAuth2App, session: SessionBase, state: str) -> dict:
    if not state:
        raise LoginRefused("state_missing")
    pending = client.framework.get_state_data(session, state)
    # Spend the state at once: a callback URL works once, whatever happens next.
    client.framework.clear_state_data(session, state)
    if not pending or not pending.get("nonce") or not pending.get("code_verifier"):
        raise LoginRefused("state_unknown")
    return pending


def login_complete(*, session: SessionBase, params: Mapping[str, str]) -> CitizenLogin:
    """Finish a login from the provider's redirect back to us (the callback's query string)."""
    client = client_get()
    pending = _pending_login(client, session, params.get("state", ""))
    error = params.get("error")
    if error:
        raise LoginCancelled(
            "cancelled" if error == "access_denied" else f"provider_error_{_known_error(error)}"
        )
    metadata = _metadata(client)
    code = params.get("code")
    if not code:
        raise LoginRefused("code_missing")
    try:
        tokens = _provider_call(
            "token",
            client.fetch_access_token,
            redirect_uri=pending["redirect_uri"],
            code=code,
            code_verifier=pending["code_verifier"],
        )
    except OAuthError as exc:  # the provider refused the code (used, expired, wrong PKCE...)
        raise LoginRefused(f"token_{_known_error(exc.error)}") from exc
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str) or not id_token:
        raise LoginRefused("id_token_missing")
    claims = _id_token_verify_with_refresh(client, metadata, id_token, pending["nonce"])
    return CitizenLogin(pid=claims["pid"], id_token=id_token, next_path=pending["next_path"])


def _id_token_verify_with_refresh(
    client: DjangoOAuth2App, metadata: dict, id_token: str, nonce: str
) -> dict:
    verify = {
        "id_token": id_token,
        "issuer": metadata["issuer"],
        "client_id": settings.OIDC_CLIENT_ID,
        "nonce": nonce,
    }
    jwks = _provider_call("jwks", client.fetch_jwk_set)
    try:
        return id_token_verify(jwks=jwks, **verify)
    except UnknownSigningKey:
        # The provider may have rotated its key since we cached the JWKS: read it once more.
        jwks = _provider_call("jwks", client.fetch_jwk_set, force=True)
        return id_token_verify(jwks=jwks, **verify)


def id_token_verify(
    *, id_token: str, jwks: Mapping[str, Any], issuer: str, client_id: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, after checking what C-1 requires; raises IdportenError.

    Checked: RS256 signature by a key in `jwks`, `iss`, `aud` (and `azp` when there are several
    audiences), `exp`, `iat`, `nonce`, `acr` = idporten-loa-high, and a `pid` that is a
    checksum-valid fødselsnummer or d-nummer (synthetic ones only where ALLOW_SYNTHETIC_FNR).
    """
    try:
        key_set = KeySet.import_key_set(jwks)
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        raise ProviderError("jwks_malformed") from exc
    try:
        token = jwt.decode(id_token, key_set, algorithms=ID_TOKEN_ALGORITHMS)
    except InvalidKeyIdError as exc:
        raise UnknownSigningKey("id_token_unknown_key") from exc
    except (JoseError, ValueError, TypeError) as exc:
        raise LoginRefused("id_token_signature") from exc
    if not nonce:
        raise LoginRefused("nonce_missing")
    registry = jwt.JWTClaimsRegistry(
        leeway=ID_TOKEN_LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    claims = token.claims
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise LoginRefused("id_token_expired") from exc
    except ClaimError as exc:
        raise LoginRefused(f"id_token_claim_{_safe_code(exc.claim)}") from exc
    audience = claims["aud"]
    if isinstance(audience, list) and len(audience) > 1 and claims.get("azp") != client_id:
        raise LoginRefused("id_token_claim_azp")
    if claims.get("acr") != ACR_HIGH:
        raise InsufficientLevel("acr_not_high")
    pid = claims.get("pid")
    if not isinstance(pid, str) or not pid:
        raise LoginRefused("pid_missing")
    if not is_valid_fnr(pid):
        raise LoginRefused("pid_invalid")
    return claims


@dataclass(frozen=True)
class EndSessionRequest:
    """RP-initiated logout as a form POST: the ID token (it holds `pid`) goes in the body,
    never in a URL that browser history and access logs keep."""

    url: str
    fields: dict[str, str]


def logout_request(*, id_token: str, post_logout_redirect_uri: str) -> EndSessionRequest:
    """The provider's end-session endpoint and the fields to POST to it (OpenID Connect
    RP-Initiated Logout 1.0 lets the request be a POST, form-serialised)."""
    client = client_get()
    metadata = _metadata(client)
    endpoint = metadata.get("end_session_endpoint")
    if not endpoint:
        raise ProviderError("discovery_no_end_session")
    return EndSessionRequest(
        url=endpoint,
        fields={
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": post_logout_redirect_uri,
        },
    )
