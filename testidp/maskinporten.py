"""The test IdP's Maskinporten (O-5): the JWT-bearer token endpoint the register clients use.

It checks a grant the way Digdir documents Maskinporten's /token: RS256/384/512 signed by the
key registered for the client (`kid` in the header), `iss` = the client id, `aud` = this
issuer and nothing else, `iat` within 10 s of our clock, `exp` at most 120 s after `iat`, a
`jti` never seen before, a `scope` the client has been granted, and no claim Maskinporten does
not know. The signature and the standard claims are checked by Authlib's server-side
`JWTBearerGrant`; the rest is Maskinporten's profile, here.

The one client it knows is this site's own (MASKINPORTEN_CLIENT_ID, the public half of its
key, granted FOLKEREGISTER_SCOPE and KRR_SCOPE), as the OpenID Connect side knows only
OIDC_CLIENT_ID: in development and tests the two sides share one configuration.
"""

import secrets
import time
from dataclasses import dataclass

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc7523 import JWTBearerGrant
from django.conf import settings
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from testidp.keys import SIGNING_ALG, client_public_key, signing_key_get
from testidp.services import CLOCK_SKEW_SECONDS, OidcError, assertion_spend

GRANT_TYPE = JWTBearerGrant.GRANT_TYPE
GRANT_ALGORITHMS = ("RS256", "RS384", "RS512")
GRANT_MAX_LIFETIME_SECONDS = 120
GRANT_CLAIMS = frozenset({"aud", "iss", "iat", "exp", "jti", "scope", "resource"})
ACCESS_TOKEN_LIFETIME_SECONDS = 120
_MAX_ASSERTION_LENGTH = 8000


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    public_key: RSAKey
    scopes: frozenset[str]

    def check_grant_type(self, grant_type: str) -> bool:  # Authlib's client interface
        return grant_type == GRANT_TYPE


def registered_client() -> RegisteredClient | None:
    """This site's own Maskinporten client, if its settings name one with a usable key."""
    if not settings.MASKINPORTEN_CLIENT_ID:
        return None
    public = client_public_key(
        pem_or_jwk=settings.MASKINPORTEN_KEY,
        path=settings.MASKINPORTEN_KEY_FILE,
        kid=settings.MASKINPORTEN_KID,
    )
    if public is None:
        return None
    return RegisteredClient(
        client_id=settings.MASKINPORTEN_CLIENT_ID,
        public_key=public,
        scopes=frozenset({settings.FOLKEREGISTER_SCOPE, settings.KRR_SCOPE}),
    )


class _Grant(JWTBearerGrant):
    """Authlib's RFC 7523 grant checks, bound to our one client and this issuer."""

    LEEWAY = CLOCK_SKEW_SECONDS
    CLAIMS_OPTIONS = {
        "iss": {"essential": True},
        "aud": {"essential": True},
        "exp": {"essential": True},
        "iat": {"essential": True},
        "jti": {"essential": True},
        "scope": {"essential": True},
    }

    def __init__(self, *, issuer: str, client: RegisteredClient | None):
        super().__init__(request=None, server=None)
        self._issuer = issuer
        self._client = client

    def get_audiences(self) -> list[str]:
        return [self._issuer]

    def resolve_issuer_client(self, issuer):
        client = self._client
        if client is not None and secrets.compare_digest(
            issuer.encode("utf-8"), client.client_id.encode("utf-8")
        ):
            return client
        return None

    def resolve_client_public_key(self, client):
        return KeySet([client.public_key])


def _header(assertion: str) -> dict:
    try:
        return jws.extract_compact(assertion.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeEncodeError):
        raise OidcError("invalid_grant", "Invalid assertion: not a signed JWT") from None


def grant_verify(*, assertion: str, issuer: str) -> tuple[RegisteredClient, list[str]]:
    """The client and the scopes asked for, after every check; raises OidcError."""
    if not assertion:
        raise OidcError("invalid_request", "assertion is required")
    if len(assertion) > _MAX_ASSERTION_LENGTH:
        raise OidcError("invalid_request", "assertion is too long")
    header = _header(assertion)
    if header.get("alg") not in GRANT_ALGORITHMS:
        raise OidcError("invalid_grant", "Invalid assertion: alg must be RS256, RS384 or RS512")
    client = registered_client()
    if not isinstance(header.get("kid"), str) or client is None:
        raise OidcError("invalid_grant", "Invalid assertion: kid is missing or unknown")
    grant = _Grant(issuer=issuer, client=client)
    try:
        claims = grant.process_assertion_claims(assertion)
    except OAuth2Error as exc:
        raise OidcError("invalid_grant", f"Invalid assertion: {exc.description}") from None
    if header["kid"] != client.public_key.kid:
        raise OidcError("invalid_grant", "Invalid assertion: kid is not registered for the client")
    _lifetime_check(claims)
    unknown = set(claims) - GRANT_CLAIMS
    if unknown:
        raise OidcError("invalid_grant", "Invalid assertion: unknown claims")
    if not isinstance(claims["aud"], str):
        raise OidcError("invalid_grant", "Invalid assertion: aud must be one value")
    scopes = claims["scope"].split() if isinstance(claims["scope"], str) else []
    if not scopes or any(scope not in client.scopes for scope in scopes):
        raise OidcError("invalid_scope", "Invalid scope: not granted to the client")
    if not assertion_spend(kind="maskinporten", issuer=client.client_id, claims=claims):
        raise OidcError("invalid_grant", "Invalid assertion: the JWT has been used before")
    return client, scopes


def _lifetime_check(claims: dict) -> None:
    iat, exp, now = claims["iat"], claims["exp"], time.time()
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, exp)):
        raise OidcError("invalid_grant", "Invalid assertion: iat and exp must be numbers")
    if abs(iat - now) > CLOCK_SKEW_SECONDS:
        raise OidcError("invalid_grant", "Invalid assertion: iat is not within 10 s of our clock")
    if exp - iat > GRANT_MAX_LIFETIME_SECONDS:
        raise OidcError("invalid_grant", "Invalid assertion: exp is more than 120 s after iat")


def token_response(*, issuer: str, client: RegisteredClient, scopes: list[str]) -> dict:
    """A self-contained access token, as Maskinporten issues: signed by the test IdP's key."""
    key = signing_key_get()
    now = int(time.time())
    claims = {
        "iss": issuer,
        "client_id": client.client_id,
        "scope": " ".join(scopes),
        "token_type": "Bearer",
        "iat": now,
        "exp": now + ACCESS_TOKEN_LIFETIME_SECONDS,
        "jti": secrets.token_urlsafe(16),
    }
    token = jwt.encode({"alg": SIGNING_ALG, "kid": key.kid}, claims, key, algorithms=[SIGNING_ALG])
    return {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME_SECONDS,
        "scope": " ".join(scopes),
    }
