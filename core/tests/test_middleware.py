"""S6: security headers on every page, found by walking every URL pattern of the resolver as
an anonymous visitor, a logged-in citizen and a logged-in staff member (tracer and
administrator), plus the error pages and a static file. A new URL pattern is walked without
anyone adding it here.

HSTS is only sent in production (over https): see test_s6_hsts_* below and
test_production_checks.py for the production values.
"""

import re
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from selfreg.session import citizen_login
from tests.factories import (
    CloseContactFactory,
    IndexFactory,
    PersonFactory,
    StaffFactory,
    SyntheticKrrEntryFactory,
    SyntheticPersonFactory,
)

pytestmark = pytest.mark.django_db

SAFE_REFERRER_POLICIES = {
    "no-referrer",
    "same-origin",
    "strict-origin",
    "strict-origin-when-cross-origin",
}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def assert_security_headers(response, where: str, *, personal_data: bool = True) -> None:
    """S6: what every response must carry."""
    csp = response.headers.get("Content-Security-Policy")
    assert csp, f"{where}: no Content-Security-Policy"
    directives = csp_directives(csp)
    scripts = directives.get("script-src", directives.get("default-src"))
    assert scripts, f"{where}: no script-src or default-src"
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, where
    assert "*" not in scripts, where
    for name in ("object-src", "base-uri", "frame-ancestors"):
        assert directives.get(name) == ["'none'"], f"{where}: {name} {directives.get(name)}"
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") in SAFE_REFERRER_POLICIES, where
    assert response.headers.get("X-Frame-Options") == "DENY", where
    if personal_data:
        assert "no-store" in response.headers.get("Cache-Control", ""), where


# --- a representative URL for every URL pattern ------------------------------------------------


def _route_sample(route: str, samples: dict[str, str]) -> str:
    def value(match: re.Match) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if name in samples:
            return samples[name]
        return {"int": "1", "uuid": str(uuid.uuid4())}.get(converter, "x")

    return re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _regex_sample(regex: str) -> str:
    def group(match: re.Match) -> str:
        inner = match.group(1)
        return inner.split("|")[0] if re.fullmatch(r"[\w|-]+", inner) else "x"

    return re.sub(r"\(\?P<\w+>([^)]*)\)", group, regex).replace("^", "").replace("$", "")


def every_url(samples: dict[str, str]) -> list[str]:
    """One URL per pattern of the root URLconf (nested includes too)."""
    urls = []

    def walk(patterns, prefix: str) -> None:
        for entry in patterns:
            pattern = entry.pattern
            if isinstance(pattern, RoutePattern):
                part = _route_sample(str(pattern), samples)
            elif isinstance(pattern, RegexPattern):
                part = _regex_sample(str(pattern))
            else:  # pragma: no cover - Django has no third kind today
                raise AssertionError(f"unknown pattern type {type(pattern)}")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + part)
            else:
                assert isinstance(entry, URLPattern)
                urls.append(prefix + part)

    walk(get_resolver().url_patterns, "/")
    return list(dict.fromkeys(urls))


@pytest.fixture
def objects():
    index = IndexFactory(person=PersonFactory(municipality_id="0301"))
    contact = CloseContactFactory(index=index)
    return {
        "index_id": str(index.pk),
        "person_id": str(index.person_id),
        "close_contact_id": str(contact.pk),
        "number": "0301",
        "worklist": "i-dag",
    }


def _citizen() -> Client:
    person = SyntheticPersonFactory()
    SyntheticKrrEntryFactory(person=person)
    client = Client()
    session = SessionStore()
    session.create()
    citizen_login(session, pid=person.fnr)
    session.save()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def _staff() -> Client:
    client = Client()
    client.force_login(StaffFactory(tracer_in=["0301"], admin_in=["0301"]))
    return client


def test_s6_every_url_pattern_sends_the_security_headers(objects, settings):
    settings.RATE_LIMIT_ENABLED = False
    urls = every_url(objects)
    assert len(urls) > 30
    # A sample of what must be among them: citizen pages, back office, test IdP, admin.
    for expected in (
        "/innlogget/smitte-selvregistrering/hjemmetest/skjema",
        f"/smittesporing/indeks/{objects['index_id']}/",
        "/testidp/authorize",
        "/django-admin/login/",
    ):
        assert expected in urls
    statuses = set()
    for who, client in (("anonymous", Client()), ("citizen", _citizen()), ("staff", _staff())):
        for url in urls:
            response = client.get(url)
            statuses.add(response.status_code)
            assert_security_headers(response, f"{who} GET {url} ({response.status_code})")
    # The walk reached real pages, not only redirects to a login.
    assert 200 in statuses


def test_s6_error_pages_send_the_security_headers(citizen_client):
    client = Client(raise_request_exception=False)
    assert_security_headers(client.get("/finnes-ikke/"), "404")
    assert_security_headers(client.get("/innlogget/logg-inn/", HTTP_HOST="evil.example"), "400")
    strict = Client(enforce_csrf_checks=True)
    assert_security_headers(strict.post("/innlogget/logg-ut/"), "403 CSRF")
    logged_in = citizen_client(SyntheticPersonFactory().fnr)
    logged_in.raise_request_exception = False

    def database_down(*args):
        raise OperationalError("connection lost")

    # The session is read by a middleware: the error page is made outside most of them.
    with connection.execute_wrapper(database_down):
        response = logged_in.get("/innlogget/smitte-selvregistrering/hjemmetest")
    assert response.status_code == 503
    assert_security_headers(response, "503")


def test_s6_static_files_send_nosniff_and_csp_and_may_be_cached(settings):
    settings.WHITENOISE_USE_FINDERS = True
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert_security_headers(response, "static", personal_data=False)
    assert "no-store" not in response.headers.get("Cache-Control", "")


def test_s6_hsts_is_sent_over_https_when_configured(settings):
    """Production sets SECURE_HSTS_SECONDS (see test_production_checks.py); Django's
    SecurityMiddleware then sends HSTS on every https response."""
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/innlogget/logget-ut/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_security_headers(response, "https")
