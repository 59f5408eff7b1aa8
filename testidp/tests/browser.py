"""A minimal scripted browser for the OIDC login against `live_server` (C-1, O-5).

requests.Session keeps the cookies; redirects are followed by hand so each step can be checked.
Shared by the test IdP's tests and the citizen login tests in selfreg.
"""

from html.parser import HTMLParser
from urllib.parse import parse_qs, urljoin, urlsplit

import requests
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore

from selfreg.session import PID_KEY

TIMEOUT_SECONDS = 15


class _FormParser(HTMLParser):
    """Collects the first POST form's action and its input values."""

    def __init__(self):
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}
        self._in_form = False
        self._done = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self._done:
            return
        if tag == "form" and (attributes.get("method") or "").lower() == "post":
            self._in_form = True
            self.action = attributes.get("action") or ""
        elif tag == "input" and self._in_form and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form" and self._in_form:
            self._in_form = False
            self._done = True


def post_form(html: str) -> tuple[str, dict[str, str]]:
    parser = _FormParser()
    parser.feed(html)
    assert parser.action is not None, "no POST form on the page"
    return parser.action, parser.fields


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


class LoginBrowser:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.http = requests.Session()

    def close(self) -> None:
        """Close kept-alive connections, so no live_server thread outlives the test."""
        self.http.close()

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.http.get(
            urljoin(self.base_url, url), allow_redirects=False, timeout=TIMEOUT_SECONDS, **kwargs
        )

    def post(self, url: str, data: dict, **kwargs) -> requests.Response:
        return self.http.post(
            urljoin(self.base_url, url),
            data=data,
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
            **kwargs,
        )

    def start(self, next_path: str) -> str:
        """GET /innlogget/logg-inn/?next=...; returns the provider's authorization URL."""
        response = self.get("/innlogget/logg-inn/", params={"next": next_path})
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def submit_fnr(self, authorization_url: str, fnr: str, *, cancel: bool = False) -> str:
        """Fill in "Fødselsnummer" at the test IdP; returns the callback URL it redirects to."""
        page = self.get(authorization_url)
        assert page.status_code == 200, page.text[:500]
        action, fields = post_form(page.text)
        fields["fnr"] = fnr
        if cancel:
            fields["cancel"] = "1"
        response = self.post(urljoin(authorization_url, action), fields)
        assert response.status_code == 302, response.text[:500]
        return response.headers["Location"]

    def login(self, fnr: str, next_path: str) -> requests.Response:
        """The whole flow; returns the callback's response (not followed)."""
        callback_url = self.submit_fnr(self.start(next_path), fnr)
        return self.get(callback_url)

    @property
    def session_key(self) -> str | None:
        return self.http.cookies.get(settings.SESSION_COOKIE_NAME)

    def session_pid(self) -> str | None:
        key = self.session_key
        return SessionStore(session_key=key).load().get(PID_KEY) if key else None
