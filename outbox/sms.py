"""The SMS gateway behind a small interface, picked like the registers (registers.interfaces):
SMS_BACKEND "http" for the operator's gateway, "fake" (the default) for development and tests.

A gateway either sends, or raises one of three errors that say what the worker may do next:
`SmsNotSent` (certainly not sent: try again later), `SmsRejected` (refused for good) or
`SmsUncertain` (perhaps sent: never again, so that a message is sent at most once).
"""

import logging
import sys
from dataclasses import dataclass
from typing import ClassVar, Protocol

import requests
import urllib3
from django.conf import settings

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The text names the kind of failure only, never the number or the message."""


class SmsNotSent(SmsError):
    pass


class SmsRejected(SmsError):
    pass


class SmsUncertain(SmsError):
    pass


class SmsGateway(Protocol):
    def send(self, *, to: str, text: str, key: str) -> None:
        """Send `text` to the number `to`; `key` is the same for every attempt at one message."""


class _BearerAuth(requests.auth.AuthBase):
    """As an auth object rather than a header, so a ~/.netrc can never replace the token."""

    def __init__(self, token: str):
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request


def _before_the_request(exc: requests.RequestException) -> bool:
    """True when the request cannot have reached the gateway: no connection was made (refused,
    no such host, connect timeout) or TLS did not agree."""
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.ConnectionError):
        reason = getattr(exc.args[0] if exc.args else None, "reason", None)
        return isinstance(reason, urllib3.exceptions.NewConnectionError)
    return False


# Statuses with which a gateway says it did not take the message and it may be offered again.
RETRY_STATUSES = frozenset({408, 425, 429, 502, 503, 504})


class HttpSmsGateway:
    """POST {"to", "text", "sender"} as JSON to the gateway's URL, with a bearer token and the
    message's key as `Idempotency-Key`; any 2xx means accepted."""

    def __init__(self, *, url: str, token: str, sender: str, timeout: float):
        self._url = url
        self._sender = sender
        self._timeout = timeout
        self._session = requests.Session()
        self._session.auth = _BearerAuth(token)

    def send(self, *, to: str, text: str, key: str) -> None:
        try:
            response = self._session.post(
                self._url,
                json={"to": to, "text": text, "sender": self._sender},
                headers={"Idempotency-Key": key},
                timeout=self._timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            kind = type(exc).__name__
            if _before_the_request(exc):
                raise SmsNotSent(f"gateway not reached ({kind})") from None
            # A read timeout or a connection lost after the request was written: the gateway
            # may have taken it.
            raise SmsUncertain(f"no answer ({kind})") from None
        status = response.status_code
        if 200 <= status < 300:
            return
        if status in RETRY_STATUSES:
            raise SmsNotSent(f"gateway answered HTTP {status}")
        if 400 <= status < 500:
            raise SmsRejected(f"gateway answered HTTP {status}")
        raise SmsUncertain(f"gateway answered HTTP {status}")


@dataclass(frozen=True)
class FakeSms:
    to: str
    text: str
    key: str


class FakeSmsGateway:
    """Development and tests: keeps each message in `sent` (this process only) and writes it
    to standard output, as Django's console e-mail backend does. Refused in production."""

    sent: ClassVar[list[FakeSms]] = []

    def send(self, *, to: str, text: str, key: str) -> None:
        self.sent.append(FakeSms(to=to, text=text, key=key))
        sys.stdout.write(f"SMS til {to}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


def get_sms_gateway() -> SmsGateway:
    if settings.SMS_BACKEND == "http":
        return HttpSmsGateway(
            url=settings.SMS_GATEWAY_URL,
            token=settings.SMS_GATEWAY_TOKEN,
            sender=settings.SMS_SENDER,
            timeout=settings.SMS_TIMEOUT_SECONDS,
        )
    return FakeSmsGateway()
