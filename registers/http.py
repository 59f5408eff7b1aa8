"""What the two HTTP register clients share: the session, the timeout and the typed errors.

Failures become our RegisterError family (as data-hub's dnb_api does: connection, timeout,
invalid response), so callers never see `requests` exceptions. The requests exceptions are
dropped (`from None`), not chained: their text holds the URL, and Folkeregisteret's URL holds
the fødselsnummer, which must never reach a log or an error report.
"""

import logging
from typing import Any, NoReturn, Protocol

import requests

from registers.types import RegisterInvalidResponse, RegisterTimeout, RegisterUnavailable


def looks_like_fnr(value: object) -> bool:
    """Eleven ASCII digits: safe to put in a register URL or request body.

    Not a checksum check (the registers decide what exists); it keeps anything else, such as
    a path fragment, out of the request.
    """
    return isinstance(value, str) and len(value) == 11 and value.isascii() and value.isdigit()


class AccessToken(Protocol):
    """Where a register client gets its bearer token (registers.maskinporten.ScopedToken)."""

    def get(self) -> str:
        """A valid token; raises a RegisterError when none can be had."""

    def forget(self) -> None:
        """The register refused the token: the next `get` must not give it again."""


class _BearerAuth(requests.auth.AuthBase):
    """As an auth object rather than a header, so a ~/.netrc can never replace the token.
    Asked for each request, so a token replaced before it expires is used at once."""

    def __init__(self, access_token: AccessToken):
        self._access_token = access_token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._access_token.get()}"
        return request


class RegisterHttpClient:
    """One register's base URL, access token and timeout; `name` appears in logs and errors."""

    def __init__(self, *, name: str, base_url: str, access_token: AccessToken, timeout: float):
        self.name = name
        self._base_url = base_url.rstrip("/")
        self._timeout = timeout
        self._access_token = access_token
        self._logger = logging.getLogger(f"registers.{name.lower()}")
        self._session = requests.Session()
        self._session.auth = _BearerAuth(access_token)
        self._session.headers["Accept"] = "application/json"

    def send(
        self,
        method: str,
        path: str,
        *,
        params: list[tuple[str, str]] | None = None,
        json: Any = None,
    ) -> requests.Response:
        """The response, whatever its status; transport failures as RegisterError.

        A 401 means the register refused the access token (revoked, or expired early): it is
        dropped and the request made once more with a new one.
        """
        response = self._request(method, path, params=params, json=json)
        if response.status_code == 401:
            self._logger.warning(
                "%s: refused the access token; once more with a new one", self.name
            )
            self._access_token.forget()
            response = self._request(method, path, params=params, json=json)
        return response

    def _request(self, method: str, path: str, *, params, json) -> requests.Response:
        try:
            return self._session.request(
                method,
                self._base_url + path,
                params=params,
                json=json,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.Timeout:
            # Before RequestException: a ConnectTimeout is both a Timeout and a ConnectionError.
            self._logger.warning("%s: no answer within %s s", self.name, self._timeout)
            raise RegisterTimeout(f"{self.name} did not answer in time") from None
        except requests.RequestException as exc:
            kind = type(exc).__name__
            self._logger.warning("%s: request failed (%s)", self.name, kind)
            raise RegisterUnavailable(f"{self.name} could not be reached ({kind})") from None

    def fail(self, response: requests.Response) -> NoReturn:
        """Raise the error for a status we do not handle: 5xx unavailable, others unexpected."""
        status = response.status_code
        self._logger.warning("%s: answered HTTP %s", self.name, status)
        if status == 401:
            # The new token was refused too: the next call starts with yet another.
            self._access_token.forget()
        if status >= 500:
            raise RegisterUnavailable(f"{self.name} answered HTTP {status}")
        raise RegisterInvalidResponse(f"{self.name} answered HTTP {status}")

    def json_object(self, response: requests.Response) -> dict:
        """The body of a 200 answer as a JSON object; anything else is an invalid response."""
        if response.status_code != 200:
            self.fail(response)
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.invalid("the answer is not a JSON object")
        return body

    def invalid(self, reason: str) -> NoReturn:
        """Raise RegisterInvalidResponse; `reason` names fields, never their values."""
        self._logger.warning("%s: invalid answer: %s", self.name, reason)
        raise RegisterInvalidResponse(f"{self.name}: {reason}")
