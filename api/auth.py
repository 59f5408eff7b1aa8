"""Bearer tokens for the integration API (ADR 0005).

A token acts for exactly one municipality, through its own service user: `request.auth` is the
ApiToken, `principal(request)` the user the access functions and the access log see (B-1, B-4).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.models import ApiToken
from accounts.services import api_token_authenticate


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; a missing, unknown or revoked token answers 401."""

    def __call__(self, request: HttpRequest) -> ApiToken | None:
        # django-ninja's own parsing logs the whole header, token and all, for any other scheme
        # when DEBUG is on; the header is read here instead, and never logged.
        scheme, _, credentials = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != self.openapi_scheme or not credentials:
            return None
        return self.authenticate(request, credentials)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return api_token_authenticate(secret=token.strip())


def token(request: HttpRequest) -> ApiToken:
    return request.auth


def principal(request: HttpRequest) -> AbstractBaseUser:
    """The token's service user: a tracer in the token's municipality only."""
    return request.auth.service_user
