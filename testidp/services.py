"""The test IdP's protocol rules (O-5): authorize requests, codes, client auth and ID tokens.

It speaks the same OpenID Connect as ID-porten (authorization code + PKCE S256), so the
citizen login (C-1) is tested against real protocol messages and signatures.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from urllib.parse import unquote_plus, urlsplit

from authlib.oauth2.rfc6749 import OAuth2Error
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from registers.identity import is_valid_fnr
from testidp.keys import SIGNING_ALG, client_public_key, signing_key_get
from testidp.models import AuthorizationCode, UsedAssertion

ACR = "idporten-loa-high"  # O-5: every login here is at security level high
ACR_VALUES_SUPPORTED = ("idporten-loa-substantial", "idporten-loa-high")
AMR = ["BankID"]
CODE_LIFETIME = datetime.timedelta(seconds=60)
ID_TOKEN_LIFETIME_SECONDS = 120
_CODE_RETENTION = datetime.timedelta(hours=1)
# RFC 7636: a verifier is 43-128 unreserved characters; an S256 challenge is 43 base64url chars.
_VERIFIER_RE = re.compile(r"^[A-Za-z0-9\-._~]{43,128}$")
_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9\-_]{43}$")
_MAX_PARAM_LENGTH = 2000
CLOCK_SKEW_SECONDS = 10  # as Digdir's: iat within 10 s of our clock
ASSERTION_MAX_LIFETIME_SECONDS = 120  # as Digdir's: exp at most 120 s after iat
CLIENT_ASSERTION_TYPE = JWTBearerClientAssertion.CLIENT_ASSERTION_TYPE


class OidcError(Exception):
    """A protocol error, answered with its OAuth error code (RFC 6749 5.2)."""

    def __init__(self, error: str, description: str, *, status: int = 400):
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status


@dataclass(frozen=True)
class AuthorizeRequest:
    """A checked authorization request; carried through the login form in hidden fields."""

    client_id: str
    redirect_uri: str
    state: str
    nonce: str
    code_challenge: str
    scope: str
    acr_values: str
    ui_locales: str = ""

    def hidden_fields(self) -> list[tuple[str, str]]:
        return [
            ("response_type", "code"),
            ("client_id", self.client_id),
            ("redirect_uri", self.redirect_uri),
            ("state", self.state),
            ("nonce", self.nonce),
            ("code_challenge", self.code_challenge),
            ("code_challenge_method", "S256"),
            ("scope", self.scope),
            ("acr_values", self.acr_values),
            ("ui_locales", self.ui_locales),
        ]


def _same(a: str, b: str) -> bool:
    """Constant-time comparison; hmac.compare_digest refuses non-ASCII str, so compare bytes."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def _same_host(a, b) -> bool:
    """The same host and port; the loopback names count as one host, so a developer who opens
    http://localhost:8000 while the server calls itself at 127.0.0.1 can still log in."""
    if a.port != b.port:
        return False
    if a.hostname in _LOOPBACK_NAMES and b.hostname in _LOOPBACK_NAMES:
        return True
    return a.netloc == b.netloc


def uri_is_same_origin(uri: str, *, origin: str) -> bool:
    """True for an http(s) URI on this site's origin: the test IdP redirects nowhere else."""
    parts, site = urlsplit(uri), urlsplit(origin)
    try:
        same_host = _same_host(parts, site)
    except ValueError:  # a port that is not a number
        return False
    return (
        parts.scheme in ("http", "https")
        and parts.scheme == site.scheme
        and same_host
        and not parts.fragment
    )


def authorize_request_parse(params: Mapping[str, str], *, origin: str) -> AuthorizeRequest:
    """Check an authorization request the way ID-porten does; raises OidcError."""

    def param(name: str) -> str:
        value = params.get(name, "")
        if len(value) > _MAX_PARAM_LENGTH:
            raise OidcError("invalid_request", f"{name} is too long")
        # Stored with the code; PostgreSQL refuses NUL in text (a 500), and no parameter of
        # an authorization request has a reason to hold a control character.
        if any(ord(char) < 32 or ord(char) == 127 for char in value):
            raise OidcError("invalid_request", f"{name} contains a control character")
        return value

    if not _same(param("client_id"), settings.OIDC_CLIENT_ID):
        raise OidcError("unauthorized_client", "unknown client_id")
    redirect_uri = param("redirect_uri")
    if not uri_is_same_origin(redirect_uri, origin=origin):
        raise OidcError("invalid_request", "redirect_uri is not registered for this client")
    if param("response_type") != "code":
        raise OidcError("unsupported_response_type", "only response_type=code is supported")
    scope = param("scope")
    if "openid" not in scope.split():
        raise OidcError("invalid_scope", "scope must include openid")
    if not param("state"):
        raise OidcError("invalid_request", "state is required")
    if not param("nonce"):
        raise OidcError("invalid_request", "nonce is required")
    if param("code_challenge_method") != "S256":
        raise OidcError("invalid_request", "code_challenge_method must be S256")
    if not _CHALLENGE_RE.match(param("code_challenge")):
        raise OidcError("invalid_request", "code_challenge is missing or malformed")
    acr_values = param("acr_values")
    if any(value not in ACR_VALUES_SUPPORTED for value in acr_values.split()):
        raise OidcError("invalid_request", "unsupported acr_values")
    return AuthorizeRequest(
        client_id=param("client_id"),
        redirect_uri=redirect_uri,
        state=param("state"),
        nonce=param("nonce"),
        code_challenge=param("code_challenge"),
        scope=scope,
        acr_values=acr_values,
        ui_locales=param("ui_locales"),
    )


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


def authorization_code_issue(*, request: AuthorizeRequest, pid: str) -> str:
    """A fresh single-use code for `pid` (already checked by the login form)."""
    if not is_valid_fnr(pid):
        raise OidcError("invalid_request", "pid is not a valid fødselsnummer")
    now = timezone.now()
    AuthorizationCode.objects.filter(expires_at__lt=now - _CODE_RETENTION).delete()
    code = secrets.token_urlsafe(32)
    AuthorizationCode.objects.create(
        code_hash=_code_hash(code),
        client_id=request.client_id,
        redirect_uri=request.redirect_uri,
        nonce=request.nonce,
        code_challenge=request.code_challenge,
        pid=pid,
        acr=ACR,
        created_at=now,
        expires_at=now + CODE_LIFETIME,
    )
    return code


def authorization_code_redeem(
    *, code: str, client_id: str, redirect_uri: str, code_verifier: str
) -> AuthorizationCode:
    """Spend a code (RFC 6749 4.1.3, RFC 7636 4.6); raises OidcError("invalid_grant").

    The code is marked used by one conditional UPDATE before anything else is checked, so two
    concurrent redemptions cannot both succeed and a code tried with a wrong verifier is spent.
    """
    now = timezone.now()
    code_hash = _code_hash(code or "")
    spent = AuthorizationCode.objects.filter(
        code_hash=code_hash, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if spent != 1:
        raise OidcError("invalid_grant", "the code is unknown, expired or already used")
    grant = AuthorizationCode.objects.get(code_hash=code_hash)
    if not _same(grant.client_id, client_id):
        raise OidcError("invalid_grant", "the code was issued to another client")
    if not _same(grant.redirect_uri, redirect_uri or ""):
        raise OidcError("invalid_grant", "redirect_uri differs from the authorization request")
    if not _VERIFIER_RE.match(code_verifier or ""):
        raise OidcError("invalid_grant", "code_verifier is missing or malformed")
    if not _same(create_s256_code_challenge(code_verifier), grant.code_challenge):
        raise OidcError("invalid_grant", "code_verifier does not match the code_challenge")
    return grant


def client_authenticate(*, authorization: str, form: Mapping[str, str], issuer: str) -> str:
    """The client's authentication at the token endpoint; returns its client_id.

    By the one method the client is registered with (settings.OIDC_CLIENT_AUTH_METHOD), as
    ID-porten registers one per client: client_secret_basic (or _post, RFC 6749 2.3.1), or
    private_key_jwt (RFC 7523 2.2: a client_assertion signed with the client's key, aud this
    issuer).
    """
    if "client_assertion" in form or "client_assertion_type" in form:
        if authorization or "client_secret" in form:
            raise OidcError("invalid_request", "use one client authentication method only")
        if settings.OIDC_CLIENT_AUTH_METHOD != "private_key_jwt":
            raise OidcError(
                "invalid_client", "the client is not registered for private_key_jwt", status=401
            )
        return _client_assertion_verify(form=form, issuer=issuer)
    if settings.OIDC_CLIENT_AUTH_METHOD != "client_secret_basic":
        raise OidcError(
            "invalid_client", "the client is registered for private_key_jwt", status=401
        )
    if authorization.startswith("Basic "):
        if "client_secret" in form:
            raise OidcError("invalid_request", "use one client authentication method only")
        try:
            decoded = base64.b64decode(authorization[6:], validate=True).decode("utf-8")
            raw_id, raw_secret = decoded.split(":", 1)
        except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
            raise OidcError("invalid_client", "malformed Basic credentials", status=401) from exc
        client_id, client_secret = unquote_plus(raw_id), unquote_plus(raw_secret)
    else:
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
    id_ok = _same(client_id, settings.OIDC_CLIENT_ID)
    secret_ok = _same(client_secret, settings.OIDC_CLIENT_SECRET)
    if not (id_ok and secret_ok):
        raise OidcError("invalid_client", "client authentication failed", status=401)
    return client_id


@dataclass(frozen=True)
class _KeyClient:
    """The registered OIDC client as Authlib's client-assertion check sees it."""

    client_id: str
    public_key: RSAKey

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token"


def _key_client() -> _KeyClient | None:
    public = client_public_key(
        pem_or_jwk=settings.OIDC_CLIENT_KEY,
        path=settings.OIDC_CLIENT_KEY_FILE,
        kid=settings.OIDC_CLIENT_KID,
    )
    if public is None:
        return None
    return _KeyClient(client_id=settings.OIDC_CLIENT_ID, public_key=public)


class _ClientAssertion(JWTBearerClientAssertion):
    """Authlib's RFC 7523 client-assertion check, with ID-porten's audience (the issuer, not
    the token endpoint URL), its lifetime limits and our store of used jti values."""

    def __init__(self, *, issuer: str):
        super().__init__(validate_jti=True, leeway=CLOCK_SKEW_SECONDS)
        self._issuer = issuer

    def get_audiences(self) -> list[str]:
        return [self._issuer]

    def resolve_client_public_key(self, client):
        return client.public_key

    def verify_claims(self, claims):
        iat, exp = claims.get("iat"), claims.get("exp")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, exp)):
            raise OidcError("invalid_client", "client_assertion needs iat and exp", status=401)
        if (
            abs(iat - time.time()) > CLOCK_SKEW_SECONDS
            or exp - iat > ASSERTION_MAX_LIFETIME_SECONDS
        ):
            raise OidcError(
                "invalid_client", "client_assertion iat or exp out of bounds", status=401
            )
        super().verify_claims(claims)

    def validate_jti(self, claims, jti):
        return assertion_spend(kind="client_assertion", issuer=claims["iss"], claims=claims)


def _client_assertion_verify(*, form: Mapping[str, str], issuer: str) -> str:
    if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE or not form.get(
        "client_assertion"
    ):
        raise OidcError(
            "invalid_client", "client_assertion is missing or of the wrong type", status=401
        )
    if len(form["client_assertion"]) > _MAX_PARAM_LENGTH * 4:
        raise OidcError("invalid_request", "client_assertion is too long")
    client = _key_client()

    def query_client(client_id: str):
        return client if client is not None and _same(client_id, client.client_id) else None

    request = SimpleNamespace(form=form, client=None)
    try:
        authenticated = _ClientAssertion(issuer=issuer)(query_client, request)
    except OAuth2Error as exc:
        raise OidcError(
            "invalid_client", f"client_assertion refused: {exc.description}", status=401
        ) from None
    if authenticated is None:
        raise OidcError("invalid_client", "client authentication failed", status=401)
    form_id = form.get("client_id")
    if form_id and not _same(form_id, authenticated.client_id):
        raise OidcError("invalid_client", "client_id differs from the assertion", status=401)
    return authenticated.client_id


def assertion_spend(*, kind: str, issuer: str, claims: dict) -> bool:
    """Record a signed JWT's jti; False if it was recorded before (a replay, RFC 7523 3)."""
    jti = claims.get("jti")
    if not isinstance(jti, str) or not jti:
        return False
    now = timezone.now()
    UsedAssertion.objects.filter(expires_at__lt=now).delete()
    digest = hashlib.sha256(f"{kind}\n{issuer}\n{jti}".encode()).hexdigest()
    expires_at = datetime.datetime.fromtimestamp(claims["exp"], tz=datetime.UTC)
    # Kept a little longer than the JWT lives, so a replay within the clock skew is still seen.
    keep_until = expires_at + datetime.timedelta(seconds=CLOCK_SKEW_SECONDS + 60)
    try:
        with transaction.atomic():
            UsedAssertion.objects.create(jti_hash=digest, expires_at=keep_until)
    except IntegrityError:
        return False
    return True


def _pairwise_sub(*, client_id: str, pid: str) -> str:
    # ID-porten's sub is a per-client pseudonym, not the fødselsnummer.
    message = f"{client_id}:{pid}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:43]


def id_token_claims(*, issuer: str, grant: AuthorizationCode, now: int) -> dict:
    """The claims ID-porten puts in an ID token, for the person behind `grant`."""
    return {
        "iss": issuer,
        "aud": grant.client_id,
        "sub": _pairwise_sub(client_id=grant.client_id, pid=grant.pid),
        "pid": grant.pid,
        "acr": grant.acr,
        "amr": AMR,
        "nonce": grant.nonce,
        "iat": now,
        "auth_time": now,
        "exp": now + ID_TOKEN_LIFETIME_SECONDS,
        "locale": "nb",
    }


def id_token_issue(*, issuer: str, grant: AuthorizationCode) -> str:
    """An RS256-signed ID token for a redeemed code."""
    key = signing_key_get()
    claims = id_token_claims(issuer=issuer, grant=grant, now=int(time.time()))
    return jwt.encode({"alg": SIGNING_ALG, "kid": key.kid}, claims, key, algorithms=[SIGNING_ALG])


def token_response(*, issuer: str, grant: AuthorizationCode) -> dict:
    return {
        "access_token": secrets.token_urlsafe(32),
        "token_type": "Bearer",
        "expires_in": ID_TOKEN_LIFETIME_SECONDS,
        "scope": "openid profile",
        "id_token": id_token_issue(issuer=issuer, grant=grant),
    }
