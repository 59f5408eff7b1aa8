"""Maskinporten: access tokens for Folkeregisteret and KRR (RFC 7523 JWT-bearer grant).

The organisation signs a short JWT grant with its own key (Authlib's `JWTBearerGrant.sign`):
header `alg` RS256 and `kid` of the key registered with Digdir; claims `iss` (our client id),
`aud` (the Maskinporten issuer), `scope`, `iat`, `exp` (at most 120 s after `iat`) and a fresh
`jti`, nothing else (Maskinporten answers 400 to claims it does not know). It is posted to the
token endpoint as `grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=...`; the
answer is `access_token`, `expires_in` and `scope`.

Tokens are cached per scope in the process and shared by its threads: concurrent callers
wait for one fetch instead of each making their own, and a token is replaced shortly before
it expires, so a register call never starts with a token about to lapse. The access token is
a secret: it never goes into a log line, an exception message or a repr.

Not Authlib's `AssertionSession`: it keeps one token per session with no lock (each thread
would fetch its own), signs grants valid for an hour unless told otherwise, and raises its own
errors; here only the grant is Authlib's, the cache and the error mapping are ours.
"""

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import requests
from authlib.oauth2.rfc7523 import JWTBearerGrant
from joserfc.jwk import RSAKey

from registers.signing_keys import SigningKeyError, private_key_load
from registers.types import (
    MaskinportenInvalidResponse,
    MaskinportenRefused,
    MaskinportenUnavailable,
)

logger = logging.getLogger(__name__)

GRANT_TYPE = JWTBearerGrant.GRANT_TYPE  # urn:ietf:params:oauth:grant-type:jwt-bearer
GRANT_ALGORITHM = "RS256"
GRANT_LIFETIME_SECONDS = 60  # Maskinporten accepts at most 120 (exp - iat)
# A cached token is replaced this long before it expires (or at half its life, if shorter).
REFRESH_MARGIN_SECONDS = 20
# The OAuth error codes Maskinporten answers (RFC 6749 5.2); any other is logged as "other".
_OAUTH_ERRORS = frozenset(
    {
        "invalid_request",
        "invalid_client",
        "invalid_grant",
        "unauthorized_client",
        "unsupported_grant_type",
        "invalid_scope",
    }
)


@dataclass
class _Cached:
    token: str = field(repr=False)
    renew_at: float


class MaskinportenClient:
    """Access tokens from one Maskinporten client registration, cached per scope.

    `clock` is monotonic seconds (time.monotonic); tests give their own.
    """

    def __init__(
        self,
        *,
        token_url: str,
        audience: str,
        client_id: str,
        key: RSAKey,
        timeout: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._token_url = token_url
        self._audience = audience
        self._client_id = client_id
        self._key = key
        self._timeout = timeout
        self._clock = clock
        self._cache: dict[str, _Cached] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._locks_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MaskinportenClient(client_id={self._client_id!r}, token_url={self._token_url!r})"

    def access_token(self, scope: str) -> str:
        """A valid access token for `scope`: the cached one, or a new one (one fetch at a time)."""
        with self._lock_for(scope):
            cached = self._cache.get(scope)
            if cached is not None and self._clock() < cached.renew_at:
                return cached.token
            self._cache.pop(scope, None)
            fetched_at = self._clock()
            token, expires_in = self._fetch(scope)
            margin = min(REFRESH_MARGIN_SECONDS, expires_in / 2)
            self._cache[scope] = _Cached(token=token, renew_at=fetched_at + expires_in - margin)
            logger.info("Maskinporten: new access token for %s, valid %s s", scope, expires_in)
            return token

    def forget(self, scope: str) -> None:
        """Drop the cached token for `scope` (the API refused it): the next call fetches anew."""
        with self._lock_for(scope):
            self._cache.pop(scope, None)

    def grant(self, scope: str) -> str:
        """A signed JWT grant for `scope`, valid GRANT_LIFETIME_SECONDS, with a fresh jti."""
        issued_at = int(time.time())
        return JWTBearerGrant.sign(
            self._key,
            issuer=self._client_id,
            audience=self._audience,
            issued_at=issued_at,
            expires_at=issued_at + GRANT_LIFETIME_SECONDS,
            claims={"scope": scope, "jti": str(uuid.uuid4())},
            header={"alg": GRANT_ALGORITHM, "kid": self._key.kid},
        )

    def _lock_for(self, scope: str) -> threading.Lock:
        with self._locks_lock:
            return self._locks.setdefault(scope, threading.Lock())

    def _fetch(self, scope: str) -> tuple[str, int]:
        try:
            response = requests.post(
                self._token_url,
                data={"grant_type": GRANT_TYPE, "assertion": self.grant(scope)},
                headers={"Accept": "application/json"},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            logger.warning("Maskinporten: no answer within %s s (%s)", self._timeout, scope)
            raise MaskinportenUnavailable("Maskinporten did not answer in time") from None
        except requests.RequestException as exc:
            kind = type(exc).__name__
            logger.warning("Maskinporten: request failed (%s) for %s", kind, scope)
            raise MaskinportenUnavailable(f"Maskinporten could not be reached ({kind})") from None
        body = _json_object(response)
        status = response.status_code
        if status >= 500:
            logger.warning("Maskinporten: answered HTTP %s for %s", status, scope)
            raise MaskinportenUnavailable(f"Maskinporten answered HTTP {status}")
        if status in (400, 401, 403):
            error = body.get("error") if body else None
            code = error if isinstance(error, str) and error in _OAUTH_ERRORS else "other"
            logger.warning(
                "Maskinporten: refused the grant for %s: HTTP %s %s", scope, status, code
            )
            raise MaskinportenRefused(f"Maskinporten refused the grant: {code}", error=code)
        if status != 200 or body is None:
            logger.warning("Maskinporten: unexpected answer HTTP %s for %s", status, scope)
            raise MaskinportenInvalidResponse(f"Maskinporten answered HTTP {status}")
        return _token_from(body, scope)


def _json_object(response: requests.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _token_from(body: dict, scope: str) -> tuple[str, int]:
    token = body.get("access_token")
    expires_in = body.get("expires_in")
    token_type = body.get("token_type", "Bearer")
    problem = None
    if not isinstance(token, str) or not token or not token.isascii() or " " in token:
        problem = "access_token is missing or malformed"
    elif isinstance(expires_in, bool) or not isinstance(expires_in, int) or expires_in <= 0:
        problem = "expires_in is missing or not a positive whole number"
    elif not isinstance(token_type, str) or token_type.lower() != "bearer":
        problem = "token_type is not Bearer"
    if problem:
        logger.warning("Maskinporten: invalid token answer for %s: %s", scope, problem)
        raise MaskinportenInvalidResponse(f"Maskinporten: {problem}")
    return token, expires_in


@dataclass(frozen=True)
class ScopedToken:
    """The access token for one scope, as a register client asks for it."""

    client: MaskinportenClient
    scope: str

    def get(self) -> str:
        return self.client.access_token(self.scope)

    def forget(self) -> None:
        self.client.forget(self.scope)


# One client per configuration in the process, so that every register client, request and
# thread shares the cached tokens. Keyed by the settings that shape it: a test that overrides
# them gets its own client, never another configuration's tokens.
_clients: dict[tuple, MaskinportenClient] = {}
_clients_lock = threading.Lock()


def client_get(settings) -> MaskinportenClient:
    """The shared client for the MASKINPORTEN_* settings; reads the key on first use."""
    key = (
        settings.MASKINPORTEN_TOKEN_URL,
        settings.MASKINPORTEN_AUDIENCE,
        settings.MASKINPORTEN_CLIENT_ID,
        settings.MASKINPORTEN_KID,
        settings.MASKINPORTEN_KEY,
        settings.MASKINPORTEN_KEY_FILE,
        settings.MASKINPORTEN_TIMEOUT_SECONDS,
    )
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            try:
                signing_key = private_key_load(
                    pem_or_jwk=settings.MASKINPORTEN_KEY,
                    path=settings.MASKINPORTEN_KEY_FILE,
                    kid=settings.MASKINPORTEN_KID,
                )
            except SigningKeyError as exc:
                # The startup checks (registers/checks.py) should have caught this; a key file
                # can still vanish. Not cached: the next call reads it again.
                logger.error("Maskinporten: the key cannot be used: %s", exc)
                raise MaskinportenUnavailable("Maskinporten: the key cannot be used") from None
            client = _clients[key] = MaskinportenClient(
                token_url=settings.MASKINPORTEN_TOKEN_URL,
                audience=settings.MASKINPORTEN_AUDIENCE,
                client_id=settings.MASKINPORTEN_CLIENT_ID,
                key=signing_key,
                timeout=settings.MASKINPORTEN_TIMEOUT_SECONDS,
            )
        return client


def client_cache_clear() -> None:
    with _clients_lock:
        _clients.clear()
